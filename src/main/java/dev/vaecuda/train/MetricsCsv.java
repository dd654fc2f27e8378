package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/** metrics.csv: a header, then one row per epoch, appended and flushed as each epoch ends. */
public final class MetricsCsv {
    public static final String HEADER = "epoch,train_loss,test_loss,train_seconds,images_per_second";

    private final Path file;

    /** Starts a new file, or continues an existing one when {@code append} (a resumed run). */
    public MetricsCsv(Path file, boolean append) {
        this.file = file;
        if (!append || !Files.exists(file)) {
            write(HEADER + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    public void append(EpochResult result) {
        write(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.3f,%.1f%n", result.epoch(), result.trainLoss(),
                result.testLoss(), result.trainSeconds(), result.imagesPerSecond()), StandardOpenOption.APPEND);
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
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot read metrics: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": malformed metrics row: " + e.getMessage(), e);
        }
    }

    private void write(String text, StandardOpenOption mode) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot write metrics: " + e.getMessage(), e);
        }
    }
}
