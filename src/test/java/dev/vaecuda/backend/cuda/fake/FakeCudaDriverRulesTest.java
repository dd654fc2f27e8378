package dev.vaecuda.backend.cuda.fake;

import static dev.vaecuda.backend.cuda.fake.FakeCuda.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.cuda.fake.FakeCuda.JitLogs;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each rule the fake CUDA driver enforces, broken on purpose: the call must fail with the code
 * the real driver gives (cuda.h's CUresult), and what NVIDIA documents as allowed must pass.
 */
class FakeCudaDriverRulesTest {
    private static final String LOG_LINE_2 = "ptxas application ptx input, line 2; ";

    private FakeCuda cuda;

    @BeforeEach
    void freshDriver() {
        cuda = FakeCuda.fresh();
    }

    private static <T> T onAnotherThread(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, r -> new Thread(r).start()).join();
    }

    @Test
    void callsBeforeCuInitAreNotInitialized() {
        assertEquals(CUDA_ERROR_NOT_INITIALIZED, cuda.call("cuDeviceGetCount", cuda.out()));
        assertEquals(CUDA_ERROR_NOT_INITIALIZED, cuda.call("cuDevicePrimaryCtxRetain", cuda.out(), 0));
        assertEquals(CUDA_ERROR_NOT_INITIALIZED, cuda.call("cuMemAlloc_v2", cuda.out(), 16L));
        // the version needs no cuInit
        MemorySegment version = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuDriverGetVersion", version));
        assertEquals(13000, intValue(version));
    }

    @Test
    void cuInitWithoutDevicesFailsAndLeavesTheDriverUninitialized() {
        cuda.setenv("FAKE_CUDA_DEVICE_COUNT", "0");
        assertEquals(CUDA_ERROR_NO_DEVICE, cuda.call("cuInit", 0));
        assertEquals(CUDA_ERROR_NOT_INITIALIZED, cuda.call("cuDeviceGetCount", cuda.out()));
    }

    @Test
    void deviceOrdinalOutOfRangeIsInvalidDevice() {
        assertEquals(CUDA_SUCCESS, cuda.call("cuInit", 0));
        assertEquals(CUDA_ERROR_INVALID_DEVICE, cuda.call("cuDeviceGet", cuda.out(), 1));
        assertEquals(CUDA_ERROR_INVALID_DEVICE, cuda.call("cuDevicePrimaryCtxRetain", cuda.out(), 1));
    }

    @Test
    void contextIsCurrentPerThread() {
        MemorySegment context = cuda.initWithContext();
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemAlloc_v2", cuda.out(), 16L));
        assertEquals(CUDA_ERROR_INVALID_CONTEXT, (int) onAnotherThread(() -> cuda.call("cuMemAlloc_v2", cuda.out(), 16L)));
        assertEquals(CUDA_SUCCESS, (int) onAnotherThread(() -> {
            cuda.call("cuCtxSetCurrent", context);
            return cuda.call("cuMemAlloc_v2", cuda.out(), 16L);
        }));
    }

    @Test
    void primaryContextIsInvalidAfterItsLastRelease() {
        MemorySegment context = cuda.initWithContext();
        assertEquals(CUDA_SUCCESS, cuda.call("cuDevicePrimaryCtxRetain", cuda.out(), 0));
        assertEquals(CUDA_SUCCESS, cuda.call("cuDevicePrimaryCtxRelease_v2", 0));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemAlloc_v2", cuda.out(), 16L), "one retain is left");
        assertEquals(CUDA_SUCCESS, cuda.call("cuDevicePrimaryCtxRelease_v2", 0));
        assertEquals(CUDA_ERROR_INVALID_CONTEXT, cuda.call("cuMemAlloc_v2", cuda.out(), 16L));
        assertEquals(CUDA_ERROR_INVALID_CONTEXT, cuda.call("cuCtxSetCurrent", context));
        assertEquals(CUDA_ERROR_INVALID_CONTEXT, cuda.call("cuDevicePrimaryCtxRelease_v2", 0));
    }

    @Test
    void freeOfAPointerNotFromCuMemAllocOrFreedIsInvalidValue() {
        cuda.initWithContext();
        long pointer = cuda.alloc(64);
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemFree_v2", pointer + 4));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemFree_v2", pointer));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemFree_v2", pointer));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemFreeHost", cuda.arena.allocate(16)));
    }

    @Test
    void copiesAndMemsetsOutsideAllocationsAreInvalidValue() {
        cuda.initWithContext();
        long pointer = cuda.alloc(16);
        MemorySegment host = cuda.arena.allocate(64);
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemcpyHtoD_v2", pointer, host, 17L));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemcpyDtoH_v2", host, pointer + 8, 16L));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemcpyHtoDAsync_v2", pointer + 16, host, 1L, MemorySegment.NULL));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemcpyDtoHAsync_v2", host, 64L, 4L, MemorySegment.NULL));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuMemsetD8Async", pointer, 0, 32L, MemorySegment.NULL));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemsetD8Async", pointer, 0, 16L, MemorySegment.NULL));
    }

    @Test
    void memoryBeyondTheConfiguredCapIsOutOfMemory() {
        cuda.setenv("FAKE_CUDA_MEMORY_BYTES", Long.toString(1 << 20));
        cuda.initWithContext();
        assertEquals(CUDA_ERROR_OUT_OF_MEMORY, cuda.call("cuMemAlloc_v2", cuda.out(), 2L << 20));
        MemorySegment free = cuda.out(), total = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemGetInfo_v2", free, total));
        assertEquals(1 << 20, value(total));
    }

    @Test
    void launchBeyondTheBlockAndGridLimitsIsInvalidValue() {
        cuda.initWithContext();
        MemorySegment sigmoid = cuda.function(cuda.loadShippedPtx(), "sigmoid");
        long x = cuda.alloc(64);
        Object[] params = {x, x, 16};
        MemorySegment legacy = MemorySegment.NULL;
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.launch(sigmoid, 1, 1025, legacy, params));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.launch(sigmoid, new int[] {1, 1, 1}, new int[] {1, 1, 65}, legacy, params));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.launch(sigmoid, new int[] {32, 32, 2}, new int[] {16, 16, 8}, legacy, params));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.launch(sigmoid, 0, 32, legacy, params));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.launch(sigmoid, new int[] {1, 65536, 1}, new int[] {32, 1, 1}, legacy, params));
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, new int[] {1, 1, 1}, new int[] {16, 16, 4}, legacy, params));
    }

    @Test
    void unknownFunctionIsNotFoundAndAnUnloadedModuleAnInvalidHandle() {
        cuda.initWithContext();
        MemorySegment module = cuda.loadShippedPtx();
        assertEquals(CUDA_ERROR_NOT_FOUND, cuda.call("cuModuleGetFunction", cuda.out(), module, cuda.arena.allocateFrom("nope")));
        MemorySegment sigmoid = cuda.function(module, "sigmoid");
        assertEquals(CUDA_SUCCESS, cuda.call("cuModuleUnload", module));
        assertEquals(CUDA_ERROR_INVALID_HANDLE, cuda.call("cuModuleGetFunction", cuda.out(), module, cuda.arena.allocateFrom("sigmoid")));
        long x = cuda.alloc(64);
        assertEquals(CUDA_ERROR_INVALID_HANDLE, cuda.launch(sigmoid, 1, 16, MemorySegment.NULL, x, x, 16));
        assertEquals(CUDA_ERROR_INVALID_HANDLE, cuda.call("cuModuleUnload", module));
    }

    /**
     * The emulator engine checks each pointer parameter of a kernel's C++ twin at launch; a GPU, and
     * the PTX engine, fault only where the kernel accesses the pointer (the next test).
     */
    @Test
    void onTheEmulatorEngineAPointerParameterOutsideAllocationsIsAStickyIllegalAddress() {
        cuda.setenv("FAKE_CUDA_ENGINE", "emulator");
        cuda.initWithContext();
        MemorySegment sigmoid = cuda.function(cuda.loadShippedPtx(), "sigmoid");
        long x = cuda.alloc(64);
        cuda.call("cuMemFree_v2", x);
        // the launch is accepted; the fault, as on a GPU, is reported by the calls after it
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 1, 16, MemorySegment.NULL, x, x, 16));
        assertEquals(CUDA_ERROR_ILLEGAL_ADDRESS, cuda.call("cuMemAlloc_v2", cuda.out(), 16L));
        assertEquals(CUDA_ERROR_ILLEGAL_ADDRESS, cuda.call("cuCtxSynchronize"));
    }

    /** The emulator engine runs the kernel's C++ twin, whose parameters the PTX entry's must match. */
    @Test
    void onTheEmulatorEngineArgumentsThatDisagreeWithTheKernelsTwinFailLoudly() {
        cuda.setenv("FAKE_CUDA_ENGINE", "emulator");
        cuda.initWithContext();
        // sigmoid(const float*, float*, int) declared with a float third parameter
        String ptx = ".version 8.0\n.target sm_75\n.address_size 64\n"
                + ".visible .entry sigmoid(\n.param .u64 a,\n.param .u64 b,\n.param .f32 c\n)\n{\nret;\n}\n";
        MemorySegment sigmoid = cuda.function(cuda.loadModule(ptx, CUDA_SUCCESS), "sigmoid");
        long x = cuda.alloc(64);
        assertEquals(CUDA_ERROR_NOT_SUPPORTED, cuda.launch(sigmoid, 1, 16, MemorySegment.NULL, x, x, 16f));
    }

    @Test
    void onThePtxEngineAFreedPointerParameterFaultsOnlyWhenTheKernelAccessesIt() {
        cuda.initWithContext();
        MemorySegment sigmoid = cuda.function(cuda.loadShippedPtx(), "sigmoid");
        long x = cuda.alloc(64);
        cuda.call("cuMemFree_v2", x);
        // n = 0: sigmoid touches neither pointer, so nothing faults, as on a GPU
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 1, 16, MemorySegment.NULL, x, x, 0));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        // the launch is accepted; the load from freed memory faults, reported by the calls after it
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 1, 16, MemorySegment.NULL, x, x, 16));
        assertEquals(CUDA_ERROR_ILLEGAL_ADDRESS, cuda.call("cuMemAlloc_v2", cuda.out(), 16L));
        assertEquals(CUDA_ERROR_ILLEGAL_ADDRESS, cuda.call("cuCtxSynchronize"));
    }

    /** The PTX engine reads the parameters as the entry declares them: there is no twin to disagree with. */
    @Test
    void onThePtxEngineAnEntryNamedLikeAShippedKernelRunsWithItsOwnParameters() {
        cuda.initWithContext();
        // sigmoid(const float*, float*, int) declared with a float third parameter, which it stores
        String ptx = FakeCuda.ptxModule("""
                .visible .entry sigmoid(
                    .param .u64 sigmoid_param_0,
                    .param .u64 sigmoid_param_1,
                    .param .f32 sigmoid_param_2
                )
                {
                    .reg .f32 %f<2>;
                    .reg .b64 %rd<3>;

                    ld.param.u64 %rd1, [sigmoid_param_1];
                    cvta.to.global.u64 %rd2, %rd1;
                    ld.param.f32 %f1, [sigmoid_param_2];
                    st.global.f32 [%rd2], %f1;
                    ret;
                }
                """);
        MemorySegment sigmoid = cuda.function(cuda.loadModule(ptx, CUDA_SUCCESS), "sigmoid");
        long x = cuda.alloc(64);
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 1, 16, MemorySegment.NULL, x, x, 16.5f));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        assertEquals(16.5f, cuda.download(x, 1)[0]);
    }

    @Test
    void injectedKernelFailureIsAStickyLaunchFailure() {
        cuda.setenv("FAKE_CUDA_FAIL_KERNEL", "sigmoid:1");
        cuda.initWithContext();
        MemorySegment sigmoid = cuda.function(cuda.loadShippedPtx(), "sigmoid");
        long x = cuda.alloc(64);
        MemorySegment stream = cuda.stream();
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 1, 16, stream, x, x, 16));
        // the second launch faults: accepted, then reported by every later call, as on a GPU
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 1, 16, stream, x, x, 16));
        assertEquals(CUDA_ERROR_LAUNCH_FAILED, cuda.call("cuStreamSynchronize", stream));
        assertEquals(CUDA_ERROR_LAUNCH_FAILED, cuda.launch(sigmoid, 1, 16, stream, x, x, 16));
    }

    @Test
    void ptxOfAnIsaNewerThanTheDriverIsUnsupportedPtxVersionAndTheJitLogSaysWhich() {
        cuda.setenv("FAKE_CUDA_DRIVER_VERSION", "12080");
        cuda.initWithContext();
        cuda.loadModule(".version 9.0\n.target sm_75\n", CUDA_ERROR_UNSUPPORTED_PTX_VERSION);
        cuda.loadModule(".version 8.8\n.target sm_75\n", CUDA_ERROR_UNSUPPORTED_PTX_VERSION);
        cuda.loadModule(".version 8.7\n.target sm_75\n", CUDA_SUCCESS);
        cuda.loadShippedPtx();
        // as ptxas words it: the line of the .version, the newest ISA the driver takes (CUDA 12.8: 8.7)
        assertEquals(refused(CUDA_ERROR_UNSUPPORTED_PTX_VERSION, LOG_LINE_2 + "fatal   : Unsupported .version 8.8; current"
                + " version is '8.7'"), cuda.loadModuleWithLogs("// nvcc\n.version 8.8\n.target sm_75\n", 256));
    }

    @Test
    void ptxForATargetNewerThanTheDeviceFailsToJitAndTheJitLogSaysWhy() {
        cuda.setenv("FAKE_CUDA_COMPUTE_CAPABILITY", "7.0");
        cuda.initWithContext();
        cuda.loadModule(".version 8.0\n.target sm_75\n", CUDA_ERROR_INVALID_PTX);
        cuda.loadModule(".version 8.0\n.target sm_70\n", CUDA_SUCCESS);
        assertEquals(refused(CUDA_ERROR_INVALID_PTX, LOG_LINE_2 + "fatal   : SM version specified by .target is higher than"
                + " default SM version assumed"), cuda.loadModuleWithLogs(".version 8.0\n.target sm_75\n", 256));
    }

    @Test
    void malformedPtxIsInvalidPtxAndTheJitLogSaysWhy() {
        cuda.initWithContext();
        assertEquals(refused(CUDA_ERROR_INVALID_PTX, "ptxas fatal   : no .version directive"),
                cuda.loadModuleWithLogs(".target sm_75\n", 256));
        assertEquals(refused(CUDA_ERROR_INVALID_PTX, "ptxas fatal   : no .target sm_NN directive"),
                cuda.loadModuleWithLogs(".version 8.0\n", 256));
    }

    /** A refusal: its error log, all of it and said filled (without the NUL), and an empty info log. */
    private static JitLogs refused(int result, String errorLog) {
        return new JitLogs(result, errorLog, errorLog.length(), "", 0);
    }

    @Test
    void ptxTheJitTakesLeavesBothLogsEmpty() {
        cuda.initWithContext();
        assertEquals(new JitLogs(CUDA_SUCCESS, "", 0, "", 0), cuda.loadModuleWithLogs(".version 8.0\n.target sm_75\n", 256));
    }

    /** "Log messages will be capped at this size (including null terminator)"; the size then says what was filled. */
    @Test
    void aJitLogIsCappedAtItsSizeWithItsNulAndASizeOfZeroGetsNothing() {
        cuda.initWithContext();
        MemorySegment error = cuda.arena.allocate(32).fill((byte) 'x'), info = cuda.arena.allocate(32).fill((byte) 'x');
        MemorySegment options = cuda.arena.allocateFrom(JAVA_INT, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                CU_JIT_ERROR_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
        MemorySegment values = cuda.jitOptionValues(16L, error, info, 0L);
        assertEquals(CUDA_ERROR_INVALID_PTX, cuda.call("cuModuleLoadDataEx", cuda.out(), cuda.arena.allocateFrom(".target sm_75\n"),
                4, options, values));
        assertEquals("ptxas fatal   :", error.getString(0), "15 bytes and the NUL");
        assertEquals(15, values.getAtIndex(JAVA_LONG, 0));
        assertEquals('x', error.get(JAVA_BYTE, 16), "nothing past the size");
        assertEquals('x', info.get(JAVA_BYTE, 0), "a log of 0 bytes is not written");
        assertEquals(0, values.getAtIndex(JAVA_LONG, 3));
    }

    @Test
    void aJitOptionTheFakeDoesNotModelOrOptionsWithoutValuesAreInvalidValue() {
        cuda.initWithContext();
        MemorySegment ptx = cuda.arena.allocateFrom(".version 8.0\n.target sm_75\n");
        int maxRegisters = 0;
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuModuleLoadDataEx", cuda.out(), ptx, 1,
                cuda.arena.allocateFrom(JAVA_INT, maxRegisters), cuda.jitOptionValues(32L)));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuModuleLoadDataEx", cuda.out(), ptx, 1,
                cuda.arena.allocateFrom(JAVA_INT, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES), MemorySegment.NULL));
        assertEquals(CUDA_SUCCESS, cuda.call("cuModuleLoadDataEx", cuda.out(), ptx, 0, MemorySegment.NULL, MemorySegment.NULL));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cuStreamSynchronize", "cuStreamQuery", "cuCtxSynchronize"})
    void waitingDuringCaptureIsUnsupportedAndInvalidatesIt(String call) {
        cuda.initWithContext();
        MemorySegment stream = cuda.stream();
        long x = cuda.alloc(16);
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        int result = call.equals("cuCtxSynchronize") ? cuda.call(call) : cuda.call(call, stream);
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, result);
        assertCaptureInvalidated(stream, x);
    }

    private void assertCaptureInvalidated(MemorySegment stream, long device) {
        MemorySegment status = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamIsCapturing", stream, status));
        assertEquals(CU_STREAM_CAPTURE_STATUS_INVALIDATED, intValue(status));
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.call("cuMemsetD8Async", device, 0, 16L, stream));
        MemorySegment graph = cuda.out();
        graph.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, -1L);
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.call("cuStreamEndCapture", stream, graph));
        assertEquals(0L, value(graph), "an invalidated capture gives a NULL graph");
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamIsCapturing", stream, status));
        assertEquals(CU_STREAM_CAPTURE_STATUS_NONE, intValue(status));
    }

    @ParameterizedTest
    @ValueSource(ints = {CU_STREAM_CAPTURE_MODE_THREAD_LOCAL, CU_STREAM_CAPTURE_MODE_GLOBAL})
    void unsafeCallsOnTheCapturingThreadAreUnsupportedAndInvalidateTheCapture(int mode) {
        cuda.initWithContext();
        MemorySegment stream = cuda.stream();
        long x = cuda.alloc(16);
        MemorySegment host = cuda.arena.allocate(16);
        Supplier<?>[] unsafeCalls = {
            () -> cuda.call("cuMemAlloc_v2", cuda.out(), 16L),
            () -> cuda.call("cuMemFree_v2", x),
            () -> cuda.call("cuMemcpyHtoD_v2", x, host, 16L),
            () -> cuda.call("cuMemcpyDtoH_v2", host, x, 16L),
        };
        for (Supplier<?> unsafe : unsafeCalls) {
            assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, mode));
            assertEquals(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, unsafe.get());
            assertCaptureInvalidated(stream, x);
        }
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemFree_v2", x), "the refused free freed nothing");
    }

    @Test
    void relaxedCaptureAllowsUnsafeCalls() {
        cuda.initWithContext();
        MemorySegment stream = cuda.stream();
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_RELAXED));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemAlloc_v2", cuda.out(), 16L));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, cuda.out()));
    }

    @Test
    void globalCaptureForbidsUnsafeCallsOnOtherThreadsThreadLocalDoesNot() {
        MemorySegment context = cuda.initWithContext();
        MemorySegment stream = cuda.stream();
        Supplier<Integer> allocateElsewhere = () -> {
            cuda.call("cuCtxSetCurrent", context);
            return cuda.call("cuMemAlloc_v2", cuda.out(), 16L);
        };
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        assertEquals(CUDA_SUCCESS, (int) onAnotherThread(allocateElsewhere));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, cuda.out()));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, (int) onAnotherThread(allocateElsewhere));
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.call("cuStreamEndCapture", stream, cuda.out()));
    }

    @Test
    void endingACaptureFromAnotherThreadIsWrongThreadUnlessRelaxed() {
        MemorySegment context = cuda.initWithContext();
        MemorySegment stream = cuda.stream();
        Supplier<Integer> endElsewhere = () -> {
            cuda.call("cuCtxSetCurrent", context);
            return cuda.call("cuStreamEndCapture", stream, cuda.out());
        };
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD, (int) onAnotherThread(endElsewhere));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, cuda.out()));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_RELAXED));
        assertEquals(CUDA_SUCCESS, (int) onAnotherThread(endElsewhere));
    }

    @Test
    void beginningTwiceOrEndingWithoutBeginningIsIllegalState() {
        cuda.initWithContext();
        MemorySegment stream = cuda.stream();
        assertEquals(CUDA_ERROR_ILLEGAL_STATE, cuda.call("cuStreamEndCapture", stream, cuda.out()));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
        assertEquals(CUDA_ERROR_ILLEGAL_STATE, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, cuda.out()));
    }

    @Test
    void captureOnTheLegacyStreamIsUnsupported() {
        cuda.initWithContext();
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
                cuda.call("cuStreamBeginCapture_v2", MemorySegment.NULL, CU_STREAM_CAPTURE_MODE_GLOBAL));
    }

    @Test
    void destroyedStreamIsAnInvalidHandle() {
        cuda.initWithContext();
        MemorySegment stream = cuda.stream();
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamDestroy_v2", stream));
        assertEquals(CUDA_ERROR_INVALID_HANDLE, cuda.call("cuStreamSynchronize", stream));
    }
}
