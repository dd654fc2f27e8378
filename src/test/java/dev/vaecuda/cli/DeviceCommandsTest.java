package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import java.io.IOException;
import dev.vaecuda.train.CheckpointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * info, and training on the emulated CUDA device against the CPU. The epoch's tolerances hold for
 * the emulator that rounds as the shipped PTX does, not for the GPU-rounding one: there, over four
 * steps, fused multiply-adds and powf's documented error moved the test loss by up to 7.2e-6
 * relative and near-zero gradients took the other sign (parameters 2.6e-3 apart, about 2 lr: Adam's
 * first update is lr sign(g)); measured on seeds 1 to 8. TrainingStepCheck compares step by step.
 */
class DeviceCommandsTest {
    /** One epoch (4 steps, seed 7), CPU vs emulator: the test loss, relative; measured 0 to 2.8e-7 (18x). */
    private static final double LOSS = 5e-6;
    /**
     * The largest parameter difference after it: measured 1.8e-7 (27x). A gradient within rounding
     * of 0 taking another sign would move its parameter by up to 2 lr; this run has none.
     */
    private static final double PARAMETERS = 5e-6;
    @TempDir
    Path dir;

    @Test
    void infoNamesTheBlasAndWhatItFoundOfCuda() {
        CliRunner result = CliRunner.run("info");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("blas      OpenBLAS 0\\.3\\.31 .*\\(bundled\\), kernels .*")),
                result.toString());
        assertTrue(result.out().lines().anyMatch(line -> line.startsWith("cuda      ")), result.toString());
    }

    @Test
    void blasChoiceGoesThroughToInfo() {
        CliRunner result = CliRunner.run("info", "--blas", "java");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("\nblas      pure Java (asked for)\n"), result.toString());
    }

    @Test
    void cudaWithoutAGpuIsOneLineAndExit1() {
        CliRunner probe = CliRunner.run("info");
        if (!probe.out().contains("cuda      unavailable")) {
            return; // a GPU is present: nothing to refuse
        }
        CliRunner result = CliRunner.run("selftest", "--device", "cuda");
        assertEquals(1, result.exitCode(), result.toString());
        assertEquals(1, result.err().strip().lines().count(), result.toString());
        assertTrue(result.err().startsWith("error: "), result.toString());
    }

    /** --device auto without a GPU says why once, in a short line, without the libraries' paths; info says all. */
    @Test
    void autoWithoutAGpuSaysWhyOnceAndShort() {
        CliRunner probe = CliRunner.run("info");
        if (!probe.out().contains("cuda      unavailable")) {
            return; // a GPU is present: auto takes it
        }
        CliRunner result = CliRunner.run("sample", "--checkpoint", "no-such.vae", "--device", "auto");
        SyntheticDigits.writeIdx(dir.resolve("data"), 64, 32, 28, 28);
        CliRunner trained = CliRunner.run("train", "--device", "auto", "--data", dir.resolve("data").toString(),
                "--epochs", "1", "--hidden", "8", "--latent", "2", "--batch-size", "32", "--out", dir.resolve("auto").toString());
        assertEquals(0, trained.exitCode(), trained.toString());
        List<String> said = trained.out().lines().filter(line -> line.contains("CUDA unavailable")).toList();
        assertEquals(1, said.size(), trained.toString());
        String reason = said.getFirst().substring(said.getFirst().indexOf("(auto: CUDA unavailable: "));
        assertTrue(reason.length() < 120 && !reason.contains("/"), said.getFirst());
        assertTrue(said.getFirst().endsWith("; the info command says more)"), said.getFirst());
        assertEquals(1, result.exitCode(), "a bad checkpoint fails before a device is chosen: " + result);
        assertTrue(!result.out().contains("CUDA"), result.toString());
    }

    @Test
    void trainingOnTheEmulatorEndsWhereTheCpuDoes() throws IOException {
        SyntheticDigits.writeIdx(dir.resolve("data"), 256, 128, 28, 28);
        double[] testLoss = new double[2];
        float[][] parameters = new float[2][];
        String[] devices = {"cpu", "emulated"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve(devices[i]);
            CliRunner result = CliRunner.run("train", "--device", devices[i], "--data", dir.resolve("data").toString(),
                    "--epochs", "1", "--seed", "7", "--batch-size", "64", "--out", out.toString());
            assertEquals(0, result.exitCode(), result.toString());
            testLoss[i] = Double.parseDouble(Files.readAllLines(out.resolve("metrics.csv")).get(1).split(",")[2]);
            parameters[i] = CheckpointFile.read(out.resolve("checkpoint.vae")).parameters();
        }
        double worst = 0;
        for (int i = 0; i < parameters[0].length; i++) {
            worst = Math.max(worst, Math.abs(parameters[1][i] - parameters[0][i]));
        }
        assertEquals(testLoss[0], testLoss[1], LOSS * testLoss[0], "test loss, cpu vs emulated");
        assertTrue(worst <= PARAMETERS, "parameters, cpu vs emulated: differ by up to " + worst);
    }
}
