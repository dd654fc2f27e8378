package dev.vaecuda.viz;

import dev.vaecuda.VaeCudaException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Renders DOT files with Graphviz's {@code dot} program, when it is installed. */
public final class GraphvizDot {
    private GraphvizDot() {
    }

    /** The {@code dot} executable on PATH, if any. */
    public static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "dot");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs {@code dot -T<format> dotFile -o outFile}; a failure names the file and dot's first line of output. */
    public static void render(Path dot, Path dotFile, Path outFile, String format) {
        try {
            Process process = new ProcessBuilder(dot.toString(), "-T" + format, dotFile.toString(), "-o", outFile.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int code = process.waitFor();
            if (code != 0) {
                throw new VaeCudaException(VaeCudaException.FAILURE, outFile + ": dot exited with " + code
                        + (output.isEmpty() ? "" : ": " + output.lines().findFirst().orElse("")));
            }
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, outFile + ": cannot run " + dot + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaeCudaException(VaeCudaException.FAILURE, outFile + ": interrupted while dot ran", e);
        }
    }
}
