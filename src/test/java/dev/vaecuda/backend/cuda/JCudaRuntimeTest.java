package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.selftest.SelfTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real runtime, where this machine allows: without an NVIDIA driver (every CI machine of
 * this project) opening it must fail with one clear message; with a GPU, a kernel and a gemm
 * must pass every selftest check against the CPU backend.
 */
class JCudaRuntimeTest {

    @Test
    void opensAndComputesOrSaysWhyNot() {
        JCudaRuntime runtime;
        try {
            runtime = JCudaRuntime.open(0, true, false);
        } catch (CudaCallException e) {
            assertTrue(e.getMessage().startsWith("loading JCuda's driver binding failed: no NVIDIA driver")
                    || e.getMessage().startsWith("cuInit failed") || e.getMessage().startsWith("cuDeviceGet(0) failed"),
                    e.getMessage());
            return;
        }
        // on a GPU: every check selftest runs
        try (CudaBackend backend = new CudaBackend(runtime)) {
            List<SelfTest.Result> results = SelfTest.run(backend, result -> { });
            assertTrue(results.stream().allMatch(SelfTest.Result::passed), results.toString());
        }
    }
}
