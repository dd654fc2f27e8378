package dev.vaecuda.viz;

import dev.vaecuda.VaeCudaException;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes images as PNG files, creating the folder they go in. */
public final class PngFiles {
    private PngFiles() {
    }

    public static void write(RenderedImage image, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer for this image type");
            }
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot write PNG: " + e.getMessage(), e);
        }
    }
}
