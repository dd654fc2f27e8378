package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** metrics.csv: a header, then one row per epoch, appended and flushed as each epoch ends. */
public final class MetricsCsv {
    public static final String HEADER = "epoch,train_loss,test_loss,train_seconds,images_per_second";

    private final Path file;

    /**
     * Starts a new file when {@code resumedFrom} is null or {@code epochsKept} is 0; otherwise (a
     * resumed run) keeps the rows of epochs up to {@code epochsKept} of the resumed run's file
     * {@code resumedFrom}, which may be {@code file} itself, and drops the others, which the run
     * trains again.
     */
    public MetricsCsv(Path file, Path resumedFrom, int epochsKept) {
        this.file = file;
        List<String> lines = new ArrayList<>(List.of(HEADER));
        if (resumedFrom != null && epochsKept > 0 && Files.exists(resumedFrom)) {
            lines.addAll(rowsUpTo(resumedFrom, epochsKept));
        }
        replace(lines);
    }

    public void append(EpochResult result) {
        appendLine(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.3f,%.1f%n", result.epoch(), result.trainLoss(),
                result.testLoss(), result.trainSeconds(), result.imagesPerSecond()));
    }

    /** The rows of an existing file, in order. */
    public static List<EpochResult> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().skip(1).filter(line -> !line.isBlank())
                    .map(line -> line.split(","))
                    .map(f -> new EpochResult(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]), Double.parseDouble(f[4])))
                    .toList();
        } catch (IOException e) {
            throw VaeCudaException.io(file, "read metrics", e);
        } catch (RuntimeException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": malformed metrics row: " + e.getMessage(), e);
        }
    }

    private static List<String> rowsUpTo(Path source, int epoch) {
        try {
            return Files.readAllLines(source, StandardCharsets.UTF_8).stream().skip(1)
                    .filter(line -> line.matches("\\d{1,9},.*") && Integer.parseInt(line.substring(0, line.indexOf(','))) <= epoch)
                    .toList();
        } catch (IOException e) {
            throw VaeCudaException.io(source, "read metrics", e);
        }
    }

    private void replace(List<String> lines) {
        try {
            AtomicFile.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw VaeCudaException.io(file, "write metrics", e);
        }
    }

    private void appendLine(String row) {
        try {
            Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw VaeCudaException.io(file, "write metrics", e);
        }
    }
}
