package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.Backends;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceCounters;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.Replayable;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.bench.StartingPoint;
import dev.vaecuda.bench.StepBenchmark;
import dev.vaecuda.data.DataFingerprint;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.selftest.SelfTest;
import dev.vaecuda.train.LearningRateSchedule;
import dev.vaecuda.train.MetricsCsv;
import dev.vaecuda.train.RunConfig;
import dev.vaecuda.train.RunIdentity;
import dev.vaecuda.train.StopRequest;
import dev.vaecuda.train.TrainingOptions;
import dev.vaecuda.train.TrainingSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import jcuda.driver.CUmodule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CUDA runtime (JCuda's driver binding, cuBLAS through FFM, stream capture) in this JVM,
 * over the fake driver and cuBLAS (target/fake-cuda on LD_LIBRARY_PATH, set by the pom's
 * on-fake-driver execution): what no GPU-less machine could run before.
 */
class JCudaRuntimeOnFakeDriverTest {
    private static final ModelConfig SMALL = new ModelConfig(12, 12, List.of(64, 32), 4, LossKind.BCE, 1f);

    @Test
    void infoNamesTheGpuTheDriverAndTheCublasAndCudnnFiles() {
        String status = Backends.cudaStatus();
        assertTrue(status.startsWith("vae-cuda fake GPU (PTX interpreter), compute capability 9.0"), status);
        assertTrue(status.contains("driver CUDA 13.0, cuBLAS 13."), status);
        assertTrue(status.contains("fake-cuda/libcublas.so.13), cuDNN 9."), status);
        assertTrue(status.endsWith("fake-cuda/libcudnn.so.9)"), status);
    }

    @Test
    void everySelftestCheckPasses() {
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false))) {
            List<SelfTest.Result> results = SelfTest.run(backend, result -> { });
            assertEquals(20, results.size(), results.toString());
            assertTrue(results.stream().allMatch(SelfTest.Result::passed), results.toString());
        }
    }

    @Test
    void aDriverForCuda12TakesCublas12() {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUDA_DRIVER_VERSION", "12040"));
             JCudaRuntime runtime = JCudaRuntime.open(0, false, false)) {
            assertEquals("12.4", CudaDeviceInfo.cudaVersion(runtime.info().driverVersion()));
            assertTrue(runtime.info().cublasFile().endsWith("fake-cuda/libcublas.so.12"), runtime.info().toString());
            assertTrue(runtime.info().cublasVersion().startsWith("12."), runtime.info().toString());
        }
    }

    @Test
    void aDriverOlderThanThePtxIsRefusedInOneLine() {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUDA_DRIVER_VERSION", "11080"))) {
            CudaCallException refused = assertThrows(CudaCallException.class, () -> JCudaRuntime.open(0, false, false));
            assertEquals("checking the NVIDIA driver failed: it supports CUDA 11.8; the kernels (PTX ISA 8.0) need a"
                    + " driver for CUDA 12.0 or newer (R525+)", refused.getMessage());
        }
    }

    /** The PTX the runtime ships loads on any driver from CUDA 12.0 on; another PTX would say why it did not. */
    @Test
    void aPtxTheDriverRefusesSaysWhyInTheJitsOwnWords() {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUDA_DRIVER_VERSION", "12080"));
             JCudaRuntime runtime = JCudaRuntime.open(0, false, false)) {
            assertEquals("cuModuleLoadDataEx(isa-9.0.ptx) failed: CUDA_ERROR_UNSUPPORTED_PTX_VERSION; the JIT's error log:"
                    + " ptxas application ptx input, line 1; fatal   : Unsupported .version 9.0; current version is '8.7'",
                    refusal("isa-9.0.ptx", ".version 9.0\n.target sm_75\n"));
            assertEquals("cuModuleLoadDataEx(no-version.ptx) failed: CUDA_ERROR_INVALID_PTX; the JIT's error log: ptxas"
                    + " fatal   : no .version directive", refusal("no-version.ptx", ".target sm_75\n"));
        }
    }

    /** The message of PtxLoader's failure to load {@code ptx}, in the context current on this thread. */
    private static String refusal(String name, String ptx) {
        byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
        byte[] cString = Arrays.copyOf(text, text.length + 1);
        return assertThrows(CudaCallException.class, () -> PtxLoader.load(new CUmodule(), name, cString)).getMessage();
    }

    @Test
    void aGpuOlderThanTuringIsRefusedInOneLine() {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUDA_COMPUTE_CAPABILITY", "7.0",
                "FAKE_CUDA_DEVICE_NAME", "Tesla V100"))) {
            CudaCallException refused = assertThrows(CudaCallException.class, () -> JCudaRuntime.open(0, false, false));
            assertEquals("checking the GPU failed: Tesla V100 has compute capability 7.0; the kernels need 7.5 (Turing)"
                    + " or newer", refused.getMessage());
        }
    }

    @Test
    void noGpuIsCudaErrorNoDevice() {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUDA_DEVICE_COUNT", "0"))) {
            CudaCallException refused = assertThrows(CudaCallException.class, () -> JCudaRuntime.open(0, false, false));
            assertEquals("cuInit failed: CUDA_ERROR_NO_DEVICE", refused.getMessage());
        }
    }

    @Test
    void aStepIsTwentyLaunchesAndElevenGemmsCountedAtEachReplay() {
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false))) {
            StepBenchmark.Report report = new StepBenchmark(StartingPoint.fresh(new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f)),
                    16, 1, 1, 0, true, progress -> { }).run(backend, false);
            DeviceCounters perStep = report.perStep().orElseThrow();
            assertEquals(new DeviceCounters(9, 11, 0, 0, 0), new DeviceCounters(perStep.kernelLaunches(),
                    perStep.gemmCalls(), perStep.convolutionCalls(), perStep.hostToDeviceBytes(), 0),
                    "a replayed step: " + perStep);
        }
    }

    @Test
    void trainingMatchesTheCpuWithAndWithoutTheGraphAndIsRepeatable(@TempDir Path dir) throws IOException {
        ImageSet train = SyntheticDigits.generate(320, 12, 12, 1), test = SyntheticDigits.generate(96, 12, 12, 2);
        RunConfig config = new RunConfig("mnist", SMALL, new TrainingOptions(3e-3f, 32, 2, 7, 0, false));
        double[] cpu = train(new CpuBackend(2), config, train, test, dir.resolve("cpu"), true);
        double[] graph = train(new CudaBackend(JCudaRuntime.open(0, false, false)), config, train, test, dir.resolve("g"), true);
        double[] again = train(new CudaBackend(JCudaRuntime.open(0, false, false)), config, train, test, dir.resolve("a"), true);
        double[] direct = train(new CudaBackend(JCudaRuntime.open(0, true, false)), config, train, test, dir.resolve("d"), false);
        for (int epoch = 0; epoch < cpu.length; epoch++) {
            assertEquals(cpu[epoch], graph[epoch], 1e-5 * cpu[epoch], "test loss, epoch " + (epoch + 1));
            // blocks run in a shuffled order on the fake, as on a GPU: the loss sums must not notice
            assertEquals(graph[epoch], again[epoch], 0, "the same run again, bit for bit");
            assertEquals(graph[epoch], direct[epoch], 0, "--no-graph --sync-debug, bit for bit");
        }
    }

    /**
     * The learning rate is an argument of the recorded step: with the IWAE schedule (a new rate from
     * epoch 2 on) the graph must be recorded again, or its epochs 2 and 3 would differ from the direct
     * launches, which take each epoch's rate. tanh, Glorot and eps 1e-4 ride along. Against the CPU:
     * relative 1e-4 (CUDA's tanhf and the CPU's rational tanh differ by up to 3.6e-7 per unit).
     */
    @Test
    void theIwaeScheduleReachesTheRecordedStepAtEachStage(@TempDir Path dir) throws IOException {
        ImageSet train = SyntheticDigits.generate(320, 12, 12, 1), test = SyntheticDigits.generate(96, 12, 12, 2);
        ModelConfig model = new ModelConfig(12, 12, List.of(64, 32), 4, LossKind.BCE, 1f, Activation.TANH);
        RunConfig config = new RunConfig("mnist", model, new TrainingOptions(3e-3f, 32, 3, 7, 0, false,
                Initialization.GLOROT, 1e-4f, LearningRateSchedule.IWAE));
        double[] cpu = train(new CpuBackend(2), config, train, test, dir.resolve("cpu"), true);
        double[] graph = train(new CudaBackend(JCudaRuntime.open(0, false, false)), config, train, test, dir.resolve("g"), true);
        double[] direct = train(new CudaBackend(JCudaRuntime.open(0, true, false)), config, train, test, dir.resolve("d"), false);
        for (int epoch = 0; epoch < cpu.length; epoch++) {
            assertEquals(cpu[epoch], graph[epoch], 1e-4 * cpu[epoch], "test loss, epoch " + (epoch + 1));
            assertEquals(graph[epoch], direct[epoch], 0, "the graph against direct launches, epoch " + (epoch + 1));
        }
    }

    /** The test loss of each epoch of a run on {@code backend} (closed after). */
    static double[] train(Backend backend, RunConfig config, ImageSet train, ImageSet test, Path out,
                                  boolean replay) throws IOException {
        try (backend) {
            StringWriter printed = new StringWriter();
            boolean finished = new TrainingSession(config, RunIdentity.start(DataFingerprint.of(train, test)), "synthetic", out, null, replay, 1).run(backend, train, test,
                    new PrintWriter(printed), (epoch, batch, batches) -> { }, new StopRequest());
            assertTrue(finished, printed.toString());
        }
        List<String> rows = Files.readAllLines(out.resolve(TrainingSession.METRICS));
        assertEquals(MetricsCsv.HEADER, rows.getFirst());
        return rows.stream().skip(1).mapToDouble(row -> Double.parseDouble(row.split(",")[2])).toArray();
    }

    /** 128 MiB: room for the workspaces (cuBLAS's 32 MiB and cuDNN's 64 MiB), not for the 1 GiB asked. */
    @Test
    void outOfDeviceMemoryNamesTheSizes() {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUDA_MEMORY_BYTES", Long.toString(128L << 20)));
             CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false))) {
            CudaCallException refused = assertThrows(CudaCallException.class, () -> backend.allocate(1 << 28));
            assertTrue(refused.getMessage().startsWith("cuMemAlloc failed: out of device memory: asked for 1073741824"
                    + " bytes (1024.0 MiB), "), refused.getMessage());
            assertTrue(refused.getMessage().endsWith(" MiB free of 128.0 MiB; a smaller model, --batch-size or --limit"
                    + " needs less"), refused.getMessage());
        }
    }

    @Test
    void aFaultingKernelIsNamedWithSyncDebugAndOtherwiseReportedAtTheNextCall() {
        // as on a GPU, the launch itself succeeds and the fault is reported by a later call
        assertEquals("cuStreamSynchronize after sigmoid failed: CUDA_ERROR_LAUNCH_FAILED",
                faultOfSigmoid(true, (backend, x) -> { }));
        String reported = faultOfSigmoid(false, (backend, x) -> backend.download(x, new float[100]));
        assertTrue(reported.startsWith("cuMemcpyDtoHAsync(400 bytes) failed: CUDA_ERROR_LAUNCH_FAILED (maybe from work"
                + " queued since the last synchronisation, the latest being kernel sigmoid;"), reported);
    }

    /** The message of the first failure after a launch of sigmoid that faults, and {@code next}. */
    private static String faultOfSigmoid(boolean syncDebug, BiConsumer<CudaBackend, DeviceBuffer> next) {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUDA_FAIL_KERNEL", "sigmoid"))) {
            CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, syncDebug, false));
            DeviceBuffer x = backend.allocate(100);
            CudaCallException fault = assertThrows(CudaCallException.class, () -> {
                backend.sigmoid(x, x, 100);
                next.accept(backend, x);
            });
            // the context is unusable after a fault, as on a GPU: closing says so first when it waits for
            // the stream, and goes on to release what it can, each further failure suppressed in the first
            CudaCallException closing = assertThrows(CudaCallException.class, backend::close);
            assertTrue(closing.getMessage().startsWith("cuStreamSynchronize failed: CUDA_ERROR_LAUNCH_FAILED"),
                    closing.getMessage());
            assertTrue(Arrays.stream(closing.getSuppressed()).anyMatch(
                    e -> e.getMessage().equals("cuMemFree failed: CUDA_ERROR_LAUNCH_FAILED")), closing.toString());
            return fault.getMessage();
        }
    }

    @Test
    void closesFromAThreadWhereTheContextIsNotCurrent() throws InterruptedException {
        CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false));
        backend.allocate(1000);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // as a shutdown hook would: the context is current on the thread that opened it, not on this one
        Thread closer = new Thread(() -> {
            try {
                backend.close();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        closer.start();
        closer.join();
        assertEquals(null, failure.get());
    }

    @Test
    void tf32GemmsPassTheirSelftest() {
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, true))) {
            List<SelfTest.Result> results = SelfTest.run(backend, dev.vaecuda.selftest.GemmPrecision.TF32, result -> { });
            assertEquals(18, results.size(), "every check but the two FP32 training steps: " + results);
            assertTrue(results.stream().allMatch(SelfTest.Result::passed), results.toString());
        }
    }

    @Test
    void aCublasOfAnotherMajorIsRefusedInOneLine() {
        try (FakeDriver fake = FakeDriver.with(Map.of("FAKE_CUBLAS_VERSION", "110902"))) {
            CudaCallException refused = assertThrows(CudaCallException.class, () -> JCudaRuntime.open(0, false, false));
            assertTrue(refused.getMessage().startsWith("loading cuBLAS failed: "), refused.getMessage());
            assertTrue(refused.getMessage().endsWith("fake-cuda/libcublas.so.13 is cuBLAS 11.9.2; vae-cuda needs cuBLAS 12"
                    + " or 13 (name another file in VAE_CUBLAS)"), refused.getMessage());
        }
    }

    @Test
    void vaeCublasNamesTheFileOrSaysWhatIsWrongWithIt(@TempDir Path dir) throws IOException {
        Path fakeCuda = Path.of("target/fake-cuda").toAbsolutePath();
        assertTrue(CublasLibrary.load(null, 12040).file.endsWith("fake-cuda/libcublas.so.12"));
        assertTrue(CublasLibrary.load(" ", 13000).file.endsWith("fake-cuda/libcublas.so.13"));
        assertEquals(fakeCuda.resolve("libcublas.so.12").toString(),
                CublasLibrary.load(fakeCuda.resolve("libcublas.so.12").toString(), 13000).file);
        assertEquals("loading cuBLAS failed: VAE_CUBLAS=" + dir.resolve("none") + " names no file",
                assertThrows(CudaCallException.class, () -> CublasLibrary.load(dir.resolve("none").toString(), 13000))
                        .getMessage());
        Path text = Files.writeString(dir.resolve("libcublas.so.13"), "not a library");
        assertEquals("loading cuBLAS failed: VAE_CUBLAS=" + text + " is not a shared library this process can load",
                assertThrows(CudaCallException.class, () -> CublasLibrary.load(text.toString(), 13000)).getMessage());
    }

    @Test
    void anAllocationInsideARecordedStepFailsAsCaptureDoesAndTheBackendGoesOn() {
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false))) {
            CudaCallException refused = assertThrows(CudaCallException.class, () -> backend.record(() -> backend.allocate(10)));
            assertEquals("cuMemAlloc(40 bytes) failed: CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", refused.getMessage());
            assertTrue(refused.getSuppressed()[0].getMessage().contains("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"),
                    refused.getSuppressed()[0].getMessage());
            DeviceBuffer x = backend.allocate(100);
            backend.upload(new float[100], x);
            backend.record(() -> backend.sigmoid(x, x, 100)).close();
        }
    }

    /**
     * cuBLAS's own workspace, set after its stream (setting the stream takes cuBLAS back to its
     * default pool), lets the runtime's very first GEMM be recorded: the default pool would be
     * allocated by that GEMM, inside the capture, which forbids it.
     */
    @Test
    void theFirstGemmOfTheRuntimeCanBeRecorded() {
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, false, false))) {
            DeviceBuffer a = backend.allocate(4), identity = backend.allocate(4), c = backend.allocate(4);
            backend.upload(new float[] {1, 2, 3, 4}, a);
            backend.upload(new float[] {1, 0, 0, 1}, identity);
            try (Replayable recorded = backend.record(() -> backend.gemm(false, false, 2, 2, 2, 2f, a, 2, identity, 2, 0f, c, 2))) {
                recorded.replay();
            }
            assertArrayEquals(new float[] {2, 4, 6, 8}, backend.download(c));
        }
    }

    @Test
    void aReplayWithSyncDebugWaitsAndIsCounted() {
        try (CudaBackend backend = new CudaBackend(JCudaRuntime.open(0, true, false))) {
            CudaRuntime runtime = backend.runtime();
            assertEquals("cuda", runtime.name());
            DeviceBuffer x = backend.allocate(100);
            backend.upload(new float[100], x);
            assertThrows(IllegalStateException.class, runtime::endRecording, "not recording");
            runtime.resetCounters();
            try (Replayable recorded = backend.record(() -> backend.sigmoid(x, x, 100))) {
                recorded.replay();
                recorded.replay();
                assertEquals(new DeviceCounters(2, 0, 0, 0, 0), runtime.counters());
            }
            runtime.beginRecording();
            assertThrows(IllegalStateException.class, runtime::beginRecording, "already recording");
            runtime.endRecording().close();
        }
    }
}
