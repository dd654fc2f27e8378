package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench command's report, on a few steps (a smoke test: figures are measured by running bench, not here). */
class BenchCommandTest {
    @Test
    void reportsTheStepAndTheGemmFloor() {
        CliRunner result = CliRunner.run("bench", "--device", "cpu", "--batch-size", "8", "--steps", "2",
                "--repeats", "1", "--warmup", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("training step"), result.toString());
        assertTrue(result.out().contains("GEMMs alone"), result.toString());
        // after the warm-ups, 2 steps and 2 of their GEMMs alone, and 1 + 2 more steps split into their calls on the CPU
        assertTrue(result.out().matches("(?s).*\nwarming up \\(1 step and 1 of their GEMMs alone\\) \\.\\.\\.\nestimate: about"
                + " \\d\\.\\d s for 5 training steps and 2 of their GEMMs alone \\(\\d+\\.\\d ms and \\d+\\.\\d ms each, as the"
                + " warm-up's last steps took\\)\ntiming the training step \\(1 x 2 steps\\) \\.\\.\\.\n.*"), result.toString());
        assertTrue(result.out().lines().anyMatch(line -> line.matches(
                "split of a step \\(each call timed\\): GEMMs [0-9.]+ ms, Adam [0-9.]+ ms, the rest [0-9.]+ ms .*")), result.toString());
        // batch 8: forward 8*(784*400 + 400*40 + 20*400 + 400*784), backward twice that less the input gradient
        long forward = 8L * (784 * 400 + 400 * 40 + 20 * 400 + 400 * 784);
        long flops = 2 * (forward + 2 * forward - 8L * 784 * 400);
        assertTrue(result.out().contains(String.format(java.util.Locale.ROOT, "GEMM FLOPs per step: %.3f G", flops / 1e9)),
                result.toString());
    }

    /** --arch conv: step against floor, the floor's convolutions as their GEMMs, the split timing them apart. */
    @Test
    void reportsAConvModelsStepAndItsGemmFloor() {
        CliRunner result = CliRunner.run("bench", "--device", "cpu", "--arch", "conv", "--batch-size", "8", "--steps", "2",
                "--repeats", "1", "--warmup", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("bench: model conv 1x28x28 -> 32x14x14 -> 64x7x7 -> 20 latent (4x4 stride-2 convolutions, relu), batch 8,"
                + " median of 1 x 2 steps"),
                result.toString());
        assertTrue(result.out().contains("training step") && result.out().contains("GEMMs alone"), result.toString());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("split of a step \\(each call timed\\): GEMMs [0-9.]+ ms,"
                + " convolutions [0-9.]+ ms \\(their GEMMs and copies, not in the GEMMs' figure\\), Adam [0-9.]+ ms, .*")),
                result.toString());
        // multiply-adds per image of each layer's product: a convolution's outChannels * inChannels*16 * outHeight * the
        // width of its input's phase planes, (width + 2) / 2, as the CPU backend computes it
        long conv1 = 32L * 16 * 14 * 15, conv2 = 64L * 32 * 16 * 7 * 8, head = 3136L * 40, dense = 20L * 3136;
        // forward: both convolutions, the dense layers, the transposed ones; backward twice that less conv1's input gradient
        long forward = 8 * (2 * conv1 + 2 * conv2 + head + dense);
        long flops = 2 * (3 * forward - 8 * conv1);
        assertTrue(result.out().matches(String.format(java.util.Locale.ROOT,
                "(?s).*\nGEMM FLOPs per step: %.3f G; step / floor: \\d+\\.\\d\\dx\n.*", flops / 1e9)), result.toString());
    }

    /** A trained model's steps: its shape, batch size and position come from the checkpoint. */
    @Test
    void timesTheStepsOfATrainedCheckpoint(@TempDir Path dir) {
        Path data = dir.resolve("data"), run = dir.resolve("run");
        SyntheticDigits.writeIdx(data, 200, 50, 28, 28);
        CliRunner trained = CliRunner.run("train", "--device", "cpu", "--data", data.toString(), "--out", run.toString(),
                "--hidden", "32", "--latent", "2", "--activation", "tanh", "--batch-size", "50", "--epochs", "1",
                "--binarize", "--adam-eps", "1e-4");
        assertEquals(0, trained.exitCode(), trained.toString());
        Path checkpoint = run.resolve("checkpoint.vae");
        CliRunner result = CliRunner.run("bench", "--device", "cpu", "--checkpoint", checkpoint.toString(), "--steps", "2",
                "--repeats", "1", "--warmup", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("bench: model mlp 784-32-2 (tanh) from " + checkpoint
                + " (step 4, end of epoch 1), batch 50, median of 1 x 2 steps after 1 warm-up steps"), result.toString());
        assertTrue(result.out().contains("training step"), result.toString());
    }

    /** The series a bench command line times; it is what the header and the progress lines print (see above). */
    private static BenchCommand.Series series(String... args) {
        return ((BenchCommand) VaeCli.create().parseArgs(args).subcommand().commandSpec().userObject()).series();
    }

    /**
     * The emulator's default: 48 steps of each kind, about 30 s on 2 cores where the 1030 of the
     * others took 7 to 13 min; an option given still counts.
     */
    @Test
    void onTheEmulatorTheDefaultSeriesIsShort() {
        assertEquals(new BenchCommand.Series(15, 3, 3), series("bench", "--device", "emulated"));
        assertEquals(new BenchCommand.Series(7, 3, 3), series("bench", "--device", "emulated", "--steps", "7"));
        assertEquals(new BenchCommand.Series(15, 1, 0), series("bench", "--device", "emulated", "--repeats", "1",
                "--warmup", "0"));
        for (String device : new String[] {"auto", "cpu", "cuda"}) {
            assertEquals(new BenchCommand.Series(200, 5, 30), series("bench", "--device", device), device);
        }
    }

    @Test
    void refusesAShapeOptionWithACheckpoint(@TempDir Path dir) {
        CliRunner result = CliRunner.run("bench", "--device", "cpu", "--checkpoint", dir.resolve("x.vae").toString(),
                "--latent", "8");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("error: --latent does not go with --checkpoint: the model is the checkpoint's"),
                result.toString());
    }

    @Test
    void rejectsZeroSteps() {
        CliRunner result = CliRunner.run("bench", "--device", "cpu", "--steps", "0");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("error: --steps must be >= 1, got 0"), result.toString());
    }
}
