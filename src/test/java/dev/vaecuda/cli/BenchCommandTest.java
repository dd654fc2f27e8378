package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bench command's report, on a few steps (a smoke test: figures are measured by running bench, not here). */
class BenchCommandTest {
    @Test
    void reportsTheStepAndTheGemmFloor() {
        CliRunner result = CliRunner.run("bench", "--device", "cpu", "--batch-size", "8", "--steps", "2",
                "--repeats", "1", "--warmup", "1");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("training step"), result.toString());
        assertTrue(result.out().contains("GEMMs alone"), result.toString());
        assertTrue(result.out().contains("timing the training step (1 warm-up + 1 x 2 steps) ..."), result.toString());
        assertTrue(result.out().lines().anyMatch(line -> line.matches(
                "split of a step \\(each call timed\\): GEMMs [0-9.]+ ms, Adam [0-9.]+ ms, the rest [0-9.]+ ms .*")), result.toString());
        // batch 8: forward 8*(784*400 + 400*40 + 20*400 + 400*784), backward twice that less the input gradient
        long forward = 8L * (784 * 400 + 400 * 40 + 20 * 400 + 400 * 784);
        long flops = 2 * (forward + 2 * forward - 8L * 784 * 400);
        assertTrue(result.out().contains(String.format(java.util.Locale.ROOT, "GEMM FLOPs per step: %.3f G", flops / 1e9)),
                result.toString());
    }

    @Test
    void rejectsZeroSteps() {
        CliRunner result = CliRunner.run("bench", "--device", "cpu", "--steps", "0");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("error: --steps must be >= 1, got 0"), result.toString());
    }
}
