package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.Replayable;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.selftest.BackendPair;
import dev.vaecuda.selftest.BackendPair.Twin;
import dev.vaecuda.selftest.GemmPrecision;
import dev.vaecuda.selftest.KernelChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JCudaRuntime's convolutions through cuDNN 9's C API (FFM), over the fake libcudnn.so.9 beside the
 * fake driver (target/fake-cuda): each call against the CPU backend, the plans, recording, --tf32,
 * and a runtime without cuDNN, which runs all but the convolutions and says why.
 */
class JCudaConvolutionOnFakeDriverTest {
    private static final ConvShape SMALL = new ConvShape(3, 6, 5, 2, 3, 2, 1);

    /** (shape, rows): MNIST's two encoder convolutions, then batch 1, odd channels, non-square maps, kernels 1, 3 and 4, strides 1 to 3, padding 0 to 2. */
    static Stream<Object[]> cases() {
        return Stream.of(
                new Object[] {new ConvShape(1, 28, 28, 32, 4, 2, 1), 3},
                new Object[] {new ConvShape(32, 14, 14, 64, 4, 2, 1), 2},
                new Object[] {new ConvShape(1, 1, 1, 1, 1, 1, 0), 1},
                new Object[] {new ConvShape(5, 6, 9, 3, 4, 2, 1), 4},
                new Object[] {new ConvShape(7, 9, 4, 1, 3, 2, 0), 3},
                // the last row and column are in no window: their gradient is 0
                new Object[] {new ConvShape(4, 8, 8, 3, 3, 2, 0), 3},
                new Object[] {new ConvShape(2, 11, 6, 3, 4, 3, 2), 2});
    }

    /** The CUDA backend on JCudaRuntime beside the CPU backend, with a fresh seed (named in failures). */
    private static BackendPair pair(JCudaRuntime runtime) {
        return new BackendPair(new CudaBackend(runtime), new CpuBackend(2), new SplittableRandom().nextLong());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachCallMatchesTheCpuBackend(ConvShape s, int rows) {
        try (BackendPair pair = pair(JCudaRuntime.open(0, false, false))) {
            KernelChecks.convolutions(pair, GemmPrecision.FP32, s, rows);
        }
    }

    /** With --tf32 the descriptors allow CUDNN_DEFAULT_MATH; the fake computes alike, so the same tolerance holds. */
    @Test
    void tf32ConvolutionsMatchTheCpuBackend() {
        try (BackendPair pair = pair(JCudaRuntime.open(0, false, true))) {
            KernelChecks.convolutions(pair, GemmPrecision.FP32, new ConvShape(5, 6, 9, 3, 4, 2, 1), 4);
        }
    }

    /**
     * The first call of a (shape, rows) makes its plan, which the three calls share: recorded after
     * it, they replay with the recording's pointers and are counted at each replay; another rows
     * needs a plan of its own, which cannot be made while recording.
     */
    @Test
    void aPlanIsMadePerShapeAndRowsOnTheFirstCallAndReusedWhenRecorded() {
        int rows = 2;
        try (BackendPair pair = pair(JCudaRuntime.open(0, false, false))) {
            CudaBackend device = (CudaBackend) pair.device;
            CudaRuntime runtime = device.runtime();
            Twin x = pair.uniform(rows * SMALL.inputSize(), -1, 1), w = pair.uniform(SMALL.weightSize(), -1, 1);
            Twin dy = pair.uniform(rows * SMALL.outputSize(), -1, 1), y = pair.filled(rows * SMALL.outputSize(), 0);
            Twin dx = pair.filled(rows * SMALL.inputSize(), 0), dw = pair.filled(SMALL.weightSize(), 0);
            runtime.resetCounters();
            device.convForward(SMALL, x.device(), w.device(), y.device(), rows);
            assertEquals(1, runtime.counters().convolutionCalls());
            try (Replayable recorded = device.record(() -> {
                device.convForward(SMALL, x.device(), w.device(), y.device(), rows);
                device.convBackwardData(SMALL, dy.device(), w.device(), dx.device(), rows);
                device.convBackwardFilter(SMALL, x.device(), dy.device(), dw.device(), rows);
            })) {
                assertEquals(1, runtime.counters().convolutionCalls(), "recorded, not run");
                device.upload(new float[y.length()], y.device());
                recorded.replay();
                recorded.replay();
                assertEquals(7, runtime.counters().convolutionCalls());
            }
            pair.reference.convForward(SMALL, x.reference(), w.reference(), y.reference(), rows);
            pair.reference.convBackwardData(SMALL, dy.reference(), w.reference(), dx.reference(), rows);
            pair.reference.convBackwardFilter(SMALL, x.reference(), dy.reference(), dw.reference(), rows);
            pair.assertClose("replayed forward", y, GemmPrecision.FP32.tolerance(SMALL.inChannels() * 9));
            pair.assertClose("replayed backward data", dx, GemmPrecision.FP32.tolerance(SMALL.outChannels() * 9));
            pair.assertClose("replayed backward filter", dw, GemmPrecision.FP32.tolerance(rows * SMALL.outHeight() * SMALL.outWidth()));

            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> device.record(
                    () -> device.convForward(SMALL, x.device(), w.device(), y.device(), 1)));
            assertEquals("the convolution " + SMALL + " over 1 rows is recorded before its first run, which makes its"
                    + " cuDNN plan: run the step once before recording it", refused.getMessage());
            device.convForward(SMALL, x.device(), w.device(), y.device(), 1);
            device.record(() -> device.convForward(SMALL, x.device(), w.device(), y.device(), 1)).close();
        }
    }

    /**
     * The GEMM algorithms' im2col buffer of 64 * 4 * 4 taps at 14 * 14 positions of 84 images is
     * 67436544 bytes, past the 64 MiB workspace: the forward takes the precomputed implicit GEMM, but
     * the only deterministic backward-data algorithm needs it, and the plan says so.
     */
    @Test
    void aConvolutionNoAlgorithmFitsIsRefusedWithWhatCudnnSuggested() {
        ConvShape large = new ConvShape(64, 28, 28, 8, 4, 2, 1);
        int rows = 84;
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false))) {
            DeviceBuffer x = backend.allocate(rows * large.inputSize()), w = backend.allocate(large.weightSize());
            DeviceBuffer y = backend.allocate(rows * large.outputSize());
            CudaCallException refused = assertThrows(CudaCallException.class, () -> backend.convForward(large, x, w, y, rows));
            assertEquals("cudnnGetConvolutionBackwardDataAlgorithm_v7 failed: for " + large + " over 84 rows, no"
                    + " algorithm cuDNN suggests is deterministic, of default or FMA math and within the 67108864-byte"
                    + " workspace: algo 0 (CUDNN_STATUS_SUCCESS, non-deterministic, math type 3, 0 bytes), algo 1"
                    + " (CUDNN_STATUS_SUCCESS, deterministic, math type 3, 67436544 bytes)", refused.getMessage());
        }
    }

    @Test
    void infoNamesTheCudnnFileAndItsVersion() {
        try (JCudaRuntime runtime = JCudaRuntime.open(0, false, false)) {
            assertEquals(Optional.empty(), runtime.whyNoConvolutions());
            assertTrue(runtime.info().cudnn().matches("cuDNN 9\\.\\d+\\.\\d+ \\(.*/fake-cuda/libcudnn\\.so\\.9\\)"),
                    runtime.info().cudnn());
            assertTrue(runtime.info().describe().endsWith(", " + runtime.info().cudnn()), runtime.info().describe());
        }
    }

    @Test
    void vaeCudnnNamingNoFileLeavesTheRuntimeWithoutConvolutionsOnly(@TempDir Path dir) {
        String missing = dir.resolve("libcudnn.so.9").toString();
        assertRunsAllButConvolutions(missing, "loading cuDNN failed: VAE_CUDNN=" + missing + " names no file");
    }

    @Test
    void vaeCudnnNamingAnotherFileIsRefusedTheSameWay(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("libcudnn.so.9"), "not a library");
        assertRunsAllButConvolutions(text.toString(), "loading cuDNN failed: VAE_CUDNN=" + text
                + " is not a shared library this process can load");
        Path cublas = Path.of("target/fake-cuda/libcublas.so.13").toAbsolutePath();
        assertRunsAllButConvolutions(cublas.toString(), "loading cuDNN failed: " + cublas
                + " has no cudnnCreate: it is not cuDNN");
    }

    @Test
    void aCudnnOfAnotherMajorIsRefusedTheSameWay() {
        ProcessEnvironment.set("FAKE_CUDNN_VERSION", "8907");
        try {
            Path cudnn = Path.of("target/fake-cuda/libcudnn.so.9").toAbsolutePath();
            assertRunsAllButConvolutions(null, "loading cuDNN failed: " + cudnn + " is cuDNN 8.9.7; vae-cuda needs"
                    + " cuDNN 9 (name another file in VAE_CUDNN)");
        } finally {
            ProcessEnvironment.unset("FAKE_CUDNN_VERSION");
        }
    }

    /** A runtime opened with $VAE_CUDNN as {@code cudnnOverride}: it says {@code why}, its convolutions throw it, and a GEMM runs. */
    private static void assertRunsAllButConvolutions(String cudnnOverride, String why) {
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false, cudnnOverride))) {
            JCudaRuntime runtime = (JCudaRuntime) backend.runtime();
            assertEquals(Optional.of(why), runtime.whyNoConvolutions());
            assertEquals("no convolutions: " + why, runtime.info().cudnn());
            DeviceBuffer x = backend.allocate(SMALL.inputSize()), w = backend.allocate(SMALL.weightSize());
            DeviceBuffer y = backend.allocate(SMALL.outputSize());
            Map<String, Runnable> calls = Map.of(
                    "cudnnConvolutionForward", () -> backend.convForward(SMALL, x, w, y, 1),
                    "cudnnConvolutionBackwardData", () -> backend.convBackwardData(SMALL, y, w, x, 1),
                    "cudnnConvolutionBackwardFilter", () -> backend.convBackwardFilter(SMALL, x, y, w, 1));
            calls.forEach((call, conv) -> assertEquals(call + " failed: " + why,
                    assertThrows(CudaCallException.class, conv::run).getMessage()));
            DeviceBuffer a = backend.allocate(4), identity = backend.allocate(4), c = backend.allocate(4);
            backend.upload(new float[] {1, 2, 3, 4}, a);
            backend.upload(new float[] {1, 0, 0, 1}, identity);
            backend.gemm(false, false, 2, 2, 2, 1f, a, 2, identity, 2, 0f, c, 2);
            assertArrayEquals(new float[] {1, 2, 3, 4}, backend.download(c));
        }
    }
}
