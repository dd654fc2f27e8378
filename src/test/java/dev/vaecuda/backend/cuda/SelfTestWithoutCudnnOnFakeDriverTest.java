package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.selftest.GemmPrecision;
import dev.vaecuda.selftest.SelfTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * selftest on the fake GPU with a runtime that cannot run convolutions (no cuDNN where $VAE_CUDNN
 * points): its convolution checks are skipped in one row that gives the runtime's reason, and every
 * other check runs and passes.
 */
class SelfTestWithoutCudnnOnFakeDriverTest {

    @Test
    void theConvolutionChecksAreSkippedInOneRowThatSaysWhy(@TempDir Path dir) {
        String missing = dir.resolve("libcudnn.so.9").toString();
        // TF32 leaves out the training steps, the slowest checks, which have nothing to do with this
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, true, missing))) {
            List<SelfTest.Result> results = SelfTest.run(backend, GemmPrecision.TF32, result -> { });
            assertEquals(16, results.size(), results.toString());
            assertTrue(results.subList(0, 15).stream().allMatch(SelfTest.Result::passed), results.toString());
            assertEquals(new SelfTest.Result("the 4 convolution checks", null, Double.NaN,
                    "loading cuDNN failed: VAE_CUDNN=" + missing + " names no file"), results.getLast());
        }
    }
}
