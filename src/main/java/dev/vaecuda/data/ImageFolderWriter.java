package dev.vaecuda.data;

import dev.vaecuda.VaeCudaException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes a data set as the image folder `--dataset folder` reads back as the same set:
 * {@code train/<label>/<index>.png} and {@code test/<label>/<index>.png} (no label level when the
 * set has no labels), the index zero-padded so that file-name order is the set's order; grey PNGs
 * for one channel, RGB for three.
 */
public final class ImageFolderWriter {
    private ImageFolderWriter() {
    }

    /**
     * Writes both splits into {@code folder}, which must be new or empty; {@code progress} gets a
     * line now and then (a bar on a terminal instead), as a folder's preparation shows.
     */
    public static void write(LoadedData data, Path folder, Consumer<String> progress) {
        requireNewOrEmpty(folder);
        List<String> labelFolders = labelFolders(data.classNames());
        try (PreparationProgress bar = PreparationProgress.forConsole("exporting", data.train().count()
                + data.test().count(), progress)) {
            write(data.train(), labelFolders, folder.resolve("train"), bar);
            write(data.test(), labelFolders, folder.resolve("test"), bar);
        }
    }

    private static void write(ImageSet set, List<String> labelFolders, Path split, PreparationProgress progress) {
        String name = "%0" + String.valueOf(set.count() - 1).length() + "d.png";
        for (int i = 0; i < set.count(); i++) {
            Path dir = set.labels() == null ? split : split.resolve(labelFolders.get(Byte.toUnsignedInt(set.labels()[i])));
            Path file = dir.resolve(String.format(Locale.ROOT, name, i));
            try {
                Files.createDirectories(dir);
                if (!ImageIO.write(image(set, i), "png", file.toFile())) {
                    throw new IOException("no PNG writer for this image type");
                }
            } catch (IOException e) {
                throw VaeCudaException.io(file, "write PNG", e);
            }
            progress.advance();
        }
    }

    /** Image {@code i} of {@code set}: its NCHW planes interleaved into the pixel layout of a grey or BGR image. */
    static BufferedImage image(ImageSet set, int i) {
        int rows = set.rows(), cols = set.cols(), plane = rows * cols, first = i * set.pixelsPerImage();
        BufferedImage image = switch (set.channels()) {
            case 1 -> new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
            case 3 -> new BufferedImage(cols, rows, BufferedImage.TYPE_3BYTE_BGR);
            default -> throw new IllegalArgumentException(set.channels() + " channels: PNG export takes 1 or 3");
        };
        byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int channels = set.channels();
        for (int c = 0; c < channels; c++) {
            int slot = channels - 1 - c; // BGR: red, plane 0, is the last byte of each pixel
            for (int p = 0; p < plane; p++) {
                target[p * channels + slot] = set.pixels()[first + c * plane + p];
            }
        }
        return image;
    }

    /**
     * The folder of each label: its class name, prefixed
     * with the zero-padded label when the names alone would sort into another order, since the
     * reader numbers the label folders in name order.
     */
    static List<String> labelFolders(List<String> classNames) {
        List<String> names = classNames.stream().map(n -> n.replaceAll("[/\\\\]", "-")).toList();
        if (names.equals(names.stream().sorted().toList())) {
            return names;
        }
        String prefix = "%0" + String.valueOf(names.size() - 1).length() + "d ";
        return Stream.iterate(0, i -> i < names.size(), i -> i + 1).map(i -> String.format(Locale.ROOT, prefix, i) + names.get(i)).toList();
    }

    /** Refuses a {@code folder} that holds anything, in one line: checked before the data set is loaded, and by {@link #write}. */
    public static void requireNewOrEmpty(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isPresent()) {
                throw new VaeCudaException(VaeCudaException.USAGE, folder + " is not empty: export-images writes into a new"
                        + " or empty folder; choose another --out or remove it");
            }
        } catch (IOException e) {
            throw VaeCudaException.io(folder, "list", e);
        }
    }
}
