package dev.vaecuda.cli;

import java.nio.file.Path;

/** `--out FILE` or `--out DIR`: a path ending in the file type's extension is the file, any other a folder. */
final class OutputFile {
    private OutputFile() {
    }

    /** {@code out} itself when it ends like {@code defaultName} (".png", ".csv"...), else {@code out/defaultName}. */
    static Path resolve(Path out, String defaultName) {
        String extension = defaultName.substring(defaultName.lastIndexOf('.'));
        return out.getFileName() != null && out.getFileName().toString().endsWith(extension) ? out : out.resolve(defaultName);
    }

    /** {@code file} with {@code suffix} before its extension: plot.png, "_manifold" -> plot_manifold.png. */
    static Path withSuffix(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling(name.substring(0, dot) + suffix + name.substring(dot));
    }

    /** {@code file} with its extension replaced: vae.dot, "svg" -> vae.svg. */
    static Path withExtension(Path file, String extension) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.lastIndexOf('.') + 1) + extension);
    }
}
