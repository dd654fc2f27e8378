package dev.vaecuda.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which checks selftest runs: the convolutions' where the device runs them, else one row that says why not. */
class SelfTestTest {

    @Test
    void theConvolutionChecksAreSkippedInOneRowThatSaysWhy() {
        try (CpuBackend device = new CpuBackend(2)) {
            List<SelfTest.Result> results = SelfTest.run(device, GemmPrecision.FP32, Optional.of("no cuDNN here"), r -> { });
            assertEquals(17, results.size(), results.toString());
            assertTrue(results.subList(0, 16).stream().allMatch(SelfTest.Result::passed), results.toString());
            assertEquals(new SelfTest.Result("the 4 convolution checks", null, Double.NaN, "no cuDNN here"), results.getLast());
        }
    }

    @Test
    void aDeviceThatRunsConvolutionsPassesEveryCheckAgainstItself() {
        try (CpuBackend device = new CpuBackend(2)) {
            List<SelfTest.Result> results = SelfTest.run(device, result -> { });
            assertEquals(20, results.size(), results.toString());
            assertTrue(results.stream().allMatch(SelfTest.Result::passed), results.toString());
        }
    }
}
