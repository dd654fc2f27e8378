package dev.vaecuda.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * One image file's bytes read through the JDK's ImageIO (PNG, JPEG, BMP, GIF, WBMP, TIFF): its
 * header, or its first frame. A reader's warning (a JPEG that ends early, say) makes the file
 * unreadable, as an error does: a half-decoded picture is worse training data than none.
 */
final class PictureFile {
    /** Width, height, and whether the file stores colour (a grey-only palette does not). */
    record Header(int width, int height, boolean colour) {
        long pixels() {
            return (long) width * height;
        }
    }

    private PictureFile() {
    }

    static Header header(byte[] bytes) throws IOException {
        return withReader(bytes, reader -> {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            ColorModel model = types.hasNext() ? types.next().getColorModel() : null;
            return new Header(reader.getWidth(0), reader.getHeight(0), model != null && hasColour(model));
        });
    }

    static BufferedImage firstFrame(byte[] bytes) throws IOException {
        return withReader(bytes, reader -> {
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new IIOException(warnings.getFirst());
            }
            return image;
        });
    }

    private static boolean hasColour(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                int red = palette.getRed(i);
                if (red != palette.getGreen(i) || red != palette.getBlue(i)) {
                    return true;
                }
            }
            return false;
        }
        return model.getNumColorComponents() >= 3;
    }

    private interface ReaderTask<T> {
        T run(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(byte[] bytes, ReaderTask<T> task) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IIOException("not an image ImageIO reads");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return task.run(reader);
            } catch (RuntimeException e) {
                // ImageIO's decoders throw unchecked exceptions on some corrupt data
                throw new IIOException("corrupt: " + e, e);
            } finally {
                reader.dispose();
            }
        }
    }
}
