package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.TimedLines;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that may run for minutes say first how long they will take: each one's estimate,
 * set against the time the work after its line took. Within a factor of 3 either way: the
 * estimates come from a few steps, one epoch or a second of samples, on cores shared with other work.
 */
class SlowCommandEstimatesTest {
    private static final double FACTOR = 3;

    /** 4 repeats: an estimate that forgot them would be 4 times short. */
    @Test
    void benchOnTheEmulator() {
        TimedLines out = new TimedLines();
        CliRunner result = CliRunner.run(out, "bench", "--device", "emulated", "--batch-size", "32", "--steps", "2",
                "--repeats", "4", "--warmup", "2");
        assertEquals(0, result.exitCode(), result.toString());
        out.assertEstimateWithin(FACTOR);
    }

    @Test
    void train(@TempDir Path dir) {
        Path data = dir.resolve("data");
        // epochs long enough that the first one's warm-up (the JIT, the first chart drawn: about 0.8 s) does not
        // dominate: with 6000 images the first took 3 times the others
        SyntheticDigits.writeIdx(data, 20000, 2000, 28, 28);
        TimedLines out = new TimedLines();
        CliRunner result = CliRunner.run(out, "train", "--device", "cpu", "--data", data.toString(), "--out",
                dir.resolve("run").toString(), "--epochs", "4");
        assertEquals(0, result.exitCode(), result.toString());
        out.assertEstimateWithin(FACTOR);
    }

    /** 400000 samples: 2 s of them before the estimate, then about 4 s more on 2 quiet cores. */
    @Test
    void evalWithManyImportanceSamples(@TempDir Path dir) {
        Path data = dir.resolve("data"), run = dir.resolve("run");
        SyntheticDigits.writeIdx(data, 500, 50, 28, 28);
        CliRunner trained = CliRunner.run("train", "--device", "cpu", "--data", data.toString(), "--out", run.toString(),
                "--epochs", "1");
        assertEquals(0, trained.exitCode(), trained.toString());
        TimedLines out = new TimedLines();
        CliRunner result = CliRunner.run(out, "eval", "--device", "cpu", "--data", data.toString(), "--checkpoint",
                run.resolve("checkpoint.vae").toString(), "--iw-samples", "8000");
        assertEquals(0, result.exitCode(), result.toString());
        out.assertEstimateWithin(FACTOR);
        assertEquals(1, result.out().lines().filter(line -> line.matches(
                "estimate: about .* for the \\d+ importance samples left \\(\\d+ samples/s\\)")).count(), result.toString());
    }
}
