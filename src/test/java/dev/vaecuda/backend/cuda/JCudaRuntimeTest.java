package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.cuda.BackendPair.Twin;
import org.junit.jupiter.api.Test;

/**
 * The real runtime, where this machine allows: without an NVIDIA driver (every CI machine of
 * this project) opening it must fail with one clear message; with a GPU, a kernel and a gemm
 * must agree with the reference.
 */
class JCudaRuntimeTest {

    @Test
    void opensAndComputesOrSaysWhyNot() {
        JCudaRuntime runtime;
        try {
            runtime = JCudaRuntime.open(0, true);
        } catch (CudaCallException e) {
            assertTrue(e.getMessage().startsWith("loading JCuda's native libraries failed: no usable NVIDIA driver")
                    || e.getMessage().startsWith("cuInit failed") || e.getMessage().startsWith("cuDeviceGet(0) failed"),
                    e.getMessage());
            return;
        }
        try (BackendPair pair = new BackendPair(new CudaBackend(runtime), 5)) {
            int n = 1000;
            Twin x = pair.uniform(n, -10, 10), out = pair.filled(n, Float.NaN);
            pair.cuda.sigmoid(x.cuda(), out.cuda(), n);
            pair.reference.sigmoid(x.reference(), out.reference(), n);
            pair.assertClose("sigmoid on the GPU", out, new Tolerance(1e-7, 1e-6));
            Twin c = pair.filled(n, Float.NaN);
            pair.cuda.gemm(false, true, 10, 100, 10, 1f, x.cuda(), 10, x.cuda(), 100, 0f, c.cuda(), 10);
            pair.reference.gemm(false, true, 10, 100, 10, 1f, x.reference(), 10, x.reference(), 100, 0f,
                    c.reference(), 10);
            pair.assertClose("cublasSgemm", c, new Tolerance(1e-3, 1e-4));
        }
    }
}
