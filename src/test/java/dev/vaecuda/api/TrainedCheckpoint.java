package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.cli.VaeCli;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.viz.Tiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * One tiny MLP that the command line's {@code train} writes, once per test run, for every API
 * test: 28x28 synthetic digits, latent 3, batches of 16, so that the 40 test images span two
 * whole batches and a partial one.
 */
final class TrainedCheckpoint {
    static final int TEST_IMAGES = 40, BATCH_SIZE = 16;
    private static Path dir;

    private TrainedCheckpoint() {
    }

    /** The folder holding the data ({@code data/}) and the run ({@code run/checkpoint.vae}). */
    static synchronized Path dir() {
        if (dir == null) {
            try {
                Files.createDirectories(Path.of("target"));
                dir = Files.createTempDirectory(Path.of("target"), "api-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SyntheticDigits.writeIdx(dir.resolve("data"), 200, TEST_IMAGES, 28, 28);
            cli("train", "--device", "cpu", "--threads", "2", "--data", data().toString(), "--out",
                    dir.resolve("run").toString(), "--hidden", "32", "--latent", "3", "--batch-size",
                    Integer.toString(BATCH_SIZE), "--epochs", "2", "--lr", "3e-3");
        }
        return dir;
    }

    static Path file() {
        return dir().resolve("run").resolve("checkpoint.vae");
    }

    static Path data() {
        return dir().resolve("data");
    }

    /** The test images of {@link #data()}, as the model sees them: bytes / 255. */
    static float[][] testImages() {
        ImageSet test = SyntheticDigits.generate(TEST_IMAGES, 28, 28, 2);
        float[] values = Tiles.of(test, 0, TEST_IMAGES).values();
        float[][] rows = new float[TEST_IMAGES][];
        Arrays.setAll(rows, r -> Arrays.copyOfRange(values, r * 784, (r + 1) * 784));
        return rows;
    }

    /** The command line in-process, on the CPU with the BLAS the API takes; fails the test unless it exits 0. */
    static String cli(String... args) {
        CommandLine cli = VaeCli.create();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--blas";
        all[args.length + 1] = "auto";
        int code = cli.execute(args[0].equals("train") ? args : all);
        assertEquals(0, code, String.join(" ", args) + "\n" + out + err);
        return out.toString();
    }
}
