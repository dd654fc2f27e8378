package dev.vaecuda.backend.cuda.fake;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.cuda.ProcessEnvironment;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake CUDA driver, cuBLAS and cuDNN of target/fake-cuda (built by mvn package), called through
 * FFM by their real C names, as a test sees a real driver: every call returns the raw CUresult,
 * cublasStatus_t or cudnnStatus_t. Configuration goes through the process environment (setenv) and
 * {@code fake_cuda_reset}, which takes the driver back to before cuInit.
 */
final class FakeCuda {
    static final Path DIRECTORY = Path.of("target", "fake-cuda");
    static final Path SHIPPED_PTX = Path.of("src/main/resources/dev/vaecuda/backend/cuda/kernels.ptx");

    // CUresult values (cuda.h)
    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_INVALID_VALUE = 1;
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    static final int CUDA_ERROR_NOT_INITIALIZED = 3;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_INVALID_DEVICE = 101;
    static final int CUDA_ERROR_INVALID_CONTEXT = 201;
    static final int CUDA_ERROR_INVALID_PTX = 218;
    static final int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
    static final int CUDA_ERROR_INVALID_HANDLE = 400;
    static final int CUDA_ERROR_ILLEGAL_STATE = 401;
    static final int CUDA_ERROR_NOT_FOUND = 500;
    static final int CUDA_ERROR_ILLEGAL_ADDRESS = 700;
    static final int CUDA_ERROR_MISALIGNED_ADDRESS = 716;
    static final int CUDA_ERROR_LAUNCH_FAILED = 719;
    static final int CUDA_ERROR_NOT_SUPPORTED = 801;
    static final int CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900;
    static final int CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901;
    static final int CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD = 908;

    // CUjit_option values (cuda.h): the JIT's logs
    static final int CU_JIT_INFO_LOG_BUFFER = 3;
    static final int CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    static final int CU_JIT_ERROR_LOG_BUFFER = 5;
    static final int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;

    static final int CU_STREAM_NON_BLOCKING = 1;
    static final int CU_STREAM_CAPTURE_MODE_GLOBAL = 0;
    static final int CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
    static final int CU_STREAM_CAPTURE_MODE_RELAXED = 2;
    static final int CU_STREAM_CAPTURE_STATUS_NONE = 0;
    static final int CU_STREAM_CAPTURE_STATUS_ACTIVE = 1;
    static final int CU_STREAM_CAPTURE_STATUS_INVALIDATED = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final List<String> SETTINGS = List.of("FAKE_CUDA_DEVICE_COUNT", "FAKE_CUDA_DRIVER_VERSION",
            "FAKE_CUDA_COMPUTE_CAPABILITY", "FAKE_CUDA_DEVICE_NAME", "FAKE_CUDA_MEMORY_BYTES", "FAKE_CUDA_FAIL_KERNEL",
            "FAKE_CUDA_BLOCK_ORDER", "FAKE_CUDA_SHUFFLE_SEED", "FAKE_CUDA_CALL_LOG", "FAKE_CUDA_ENGINE",
            "FAKE_CUDA_APPROX");

    final Arena arena = Arena.ofShared();
    private final SymbolLookup driver;
    private final Map<String, MethodHandle> handles = new HashMap<>();

    private FakeCuda(SymbolLookup driver) {
        this.driver = driver;
    }

    /** The fake driver, back to before cuInit, with the default configuration. */
    static FakeCuda fresh() {
        FakeCuda cuda = new FakeCuda(library("libcuda.so.1"));
        for (String setting : SETTINGS) {
            cuda.unsetenv(setting);
        }
        cuda.call("fake_cuda_reset");
        return cuda;
    }

    static SymbolLookup library(String name) {
        Path path = DIRECTORY.resolve(name);
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: run mvn package (it needs g++)");
        }
        return SymbolLookup.libraryLookup(path, Arena.global());
    }

    /** Calls the library's function name with args (Integer, Long, Float or MemorySegment); int result. */
    int call(String name, Object... args) {
        return call(driver, name, args);
    }

    int call(SymbolLookup library, String name, Object... args) {
        try {
            return (int) handle(library, name, args).invokeWithArguments(args);
        } catch (Throwable e) {
            throw new AssertionError(name + " threw", e);
        }
    }

    long callLong(String name, Object... args) {
        return callLong(driver, name, args);
    }

    /** Calls the library's function name with args; its result a long (a size_t). */
    long callLong(SymbolLookup library, String name, Object... args) {
        try {
            MethodHandle handle = LINKER.downcallHandle(library.findOrThrow(name), FunctionDescriptor.of(JAVA_LONG, layouts(args)));
            return (long) handle.invokeWithArguments(args);
        } catch (Throwable e) {
            throw new AssertionError(name + " threw", e);
        }
    }

    private MethodHandle handle(SymbolLookup library, String name, Object[] args) {
        FunctionDescriptor descriptor = FunctionDescriptor.of(JAVA_INT, layouts(args));
        String key = System.identityHashCode(library) + name + descriptor;
        return handles.computeIfAbsent(key, k -> LINKER.downcallHandle(library.findOrThrow(name), descriptor));
    }

    private static MemoryLayout[] layouts(Object[] args) {
        MemoryLayout[] layouts = new MemoryLayout[args.length];
        for (int i = 0; i < args.length; i++) {
            layouts[i] = switch (args[i]) {
                case Integer ignored -> JAVA_INT;
                case Long ignored -> JAVA_LONG;
                case Float ignored -> JAVA_FLOAT;
                case MemorySegment ignored -> ADDRESS;
                default -> throw new IllegalArgumentException("unsupported argument " + args[i]);
            };
        }
        return layouts;
    }

    void setenv(String name, String value) {
        ProcessEnvironment.set(name, value);
    }

    void unsetenv(String name) {
        ProcessEnvironment.unset(name);
    }

    /** A fresh out-parameter of 8 bytes (a handle, a pointer, a size_t). */
    MemorySegment out() {
        return arena.allocate(JAVA_LONG);
    }

    static long value(MemorySegment out) {
        return out.get(JAVA_LONG, 0);
    }

    static int intValue(MemorySegment out) {
        return out.get(JAVA_INT, 0);
    }

    /** cuInit, then device 0's primary context made current on the calling thread; returns the context. */
    MemorySegment initWithContext() {
        assertEquals(CUDA_SUCCESS, call("cuInit", 0));
        MemorySegment context = out();
        assertEquals(CUDA_SUCCESS, call("cuDevicePrimaryCtxRetain", context, 0));
        MemorySegment handle = MemorySegment.ofAddress(value(context));
        assertEquals(CUDA_SUCCESS, call("cuCtxSetCurrent", handle));
        return handle;
    }

    long alloc(long bytes) {
        MemorySegment pointer = out();
        assertEquals(CUDA_SUCCESS, call("cuMemAlloc_v2", pointer, bytes));
        return value(pointer);
    }

    void upload(long device, float[] values) {
        MemorySegment host = arena.allocateFrom(JAVA_FLOAT, values);
        assertEquals(CUDA_SUCCESS, call("cuMemcpyHtoD_v2", device, host, host.byteSize()));
    }

    float[] download(long device, int count) {
        MemorySegment host = arena.allocate(JAVA_FLOAT, count);
        assertEquals(CUDA_SUCCESS, call("cuMemcpyDtoH_v2", host, device, host.byteSize()));
        return host.toArray(JAVA_FLOAT);
    }

    /** A fresh allocation holding values. */
    long uploadInts(int... values) {
        long device = alloc(4L * Math.max(1, values.length));
        MemorySegment host = arena.allocateFrom(JAVA_INT, values);
        assertEquals(CUDA_SUCCESS, call("cuMemcpyHtoD_v2", device, host, host.byteSize()));
        return device;
    }

    /** A fresh allocation holding the values' bits. */
    long uploadFloats(float... values) {
        long device = alloc(4L * Math.max(1, values.length));
        upload(device, values);
        return device;
    }

    int[] downloadInts(long device, int count) {
        MemorySegment host = arena.allocate(JAVA_INT, count);
        assertEquals(CUDA_SUCCESS, call("cuMemcpyDtoH_v2", host, device, host.byteSize()));
        return host.toArray(JAVA_INT);
    }

    long[] downloadLongs(long device, int count) {
        MemorySegment host = arena.allocate(JAVA_LONG, count);
        assertEquals(CUDA_SUCCESS, call("cuMemcpyDtoH_v2", host, device, host.byteSize()));
        return host.toArray(JAVA_LONG);
    }

    /** PTX text of ISA 8.0 for sm_75, 64-bit addresses: the header, then body (entries, module variables). */
    static String ptxModule(String body) {
        return ".version 8.0\n.target sm_75\n.address_size 64\n\n" + body;
    }

    /** The fake driver's fake_cuda_ptx_implements: whether its PTX interpreter implements the opcode as written. */
    boolean ptxImplements(String opcode) {
        return call("fake_cuda_ptx_implements", arena.allocateFrom(opcode)) != 0;
    }

    /** What the native code wrote to file descriptor 2 while work ran (the driver's messages go there, not to System.err). */
    String nativeStderrOf(Runnable work) {
        try {
            Path file = Files.createTempFile("fake-cuda-stderr", ".txt");
            try {
                SymbolLookup libc = LINKER.defaultLookup();
                MethodHandle dup = LINKER.downcallHandle(libc.findOrThrow("dup"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                MethodHandle dup2 = LINKER.downcallHandle(libc.findOrThrow("dup2"),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
                MethodHandle close = LINKER.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                MethodHandle creat = LINKER.downcallHandle(libc.findOrThrow("creat"),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
                int capture = (int) creat.invoke(arena.allocateFrom(file.toString()), 0600);
                int saved = (int) dup.invoke(2);
                if (capture < 0 || saved < 0 || (int) dup2.invoke(capture, 2) < 0) {
                    throw new IllegalStateException("cannot redirect file descriptor 2");
                }
                try {
                    work.run();
                } finally {
                    dup2.invoke(saved, 2);
                    close.invoke(saved);
                    close.invoke(capture);
                }
                return Files.readString(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError("capturing stderr failed", e);
        }
    }

    MemorySegment stream() {
        MemorySegment stream = out();
        assertEquals(CUDA_SUCCESS, call("cuStreamCreate", stream, CU_STREAM_NON_BLOCKING));
        return MemorySegment.ofAddress(value(stream));
    }

    /** The module of PTX text (NUL-terminated, as cuModuleLoadData needs); asserts the result code. */
    MemorySegment loadModule(String ptx, int expected) {
        MemorySegment module = out();
        assertEquals(expected, call("cuModuleLoadData", module, arena.allocateFrom(ptx)));
        return MemorySegment.ofAddress(value(module));
    }

    /** What cuModuleLoadDataEx returned and wrote: its result, each log and the size it said it filled. */
    record JitLogs(int result, String errorLog, long errorBytes, String infoLog, long infoBytes) {
    }

    /**
     * cuModuleLoadDataEx of PTX text with an error and an info log of {@code logBytes} each, filled
     * with 'x' before: a log the driver leaves without its NUL cannot be read as a string.
     */
    JitLogs loadModuleWithLogs(String ptx, int logBytes) {
        MemorySegment error = arena.allocate(logBytes).fill((byte) 'x'), info = arena.allocate(logBytes).fill((byte) 'x');
        MemorySegment options = arena.allocateFrom(JAVA_INT, CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
        // a size is an unsigned int carried in its void* slot itself
        MemorySegment values = jitOptionValues(error, (long) logBytes, info, (long) logBytes);
        int result = call("cuModuleLoadDataEx", out(), arena.allocateFrom(ptx), 4, options, values);
        return new JitLogs(result, error.getString(0), values.getAtIndex(JAVA_LONG, 1), info.getString(0),
                values.getAtIndex(JAVA_LONG, 3));
    }

    /** cuModuleLoadDataEx's optionValues: an array of void*, each a pointer (MemorySegment) or a number (Long). */
    MemorySegment jitOptionValues(Object... values) {
        MemorySegment slots = arena.allocate(ADDRESS, values.length);
        for (int i = 0; i < values.length; i++) {
            switch (values[i]) {
                case MemorySegment pointer -> slots.setAtIndex(ADDRESS, i, pointer);
                case Long number -> slots.setAtIndex(JAVA_LONG, i, number);
                default -> throw new IllegalArgumentException("unsupported option value " + values[i]);
            }
        }
        return slots;
    }

    MemorySegment loadShippedPtx() {
        try {
            return loadModule(Files.readString(SHIPPED_PTX), CUDA_SUCCESS);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    MemorySegment function(MemorySegment module, String name) {
        MemorySegment function = out();
        assertEquals(CUDA_SUCCESS, call("cuModuleGetFunction", function, module, arena.allocateFrom(name)));
        return MemorySegment.ofAddress(value(function));
    }

    /**
     * cuLaunchKernel with a 1-D grid and block; params are packed as kernelParams (Long: 8 bytes,
     * Integer and Float: 4), each value in its own native cell, as JCuda packs them.
     */
    int launch(MemorySegment function, int grid, int block, MemorySegment stream, Object... params) {
        return launch(function, new int[] {grid, 1, 1}, new int[] {block, 1, 1}, stream, params);
    }

    int launch(MemorySegment function, int[] grid, int[] block, MemorySegment stream, Object... params) {
        MemorySegment pointers = arena.allocate(ADDRESS, Math.max(1, params.length));
        for (int i = 0; i < params.length; i++) {
            MemorySegment cell = switch (params[i]) {
                case Long v -> arena.allocateFrom(JAVA_LONG, v);
                case Integer v -> arena.allocateFrom(JAVA_INT, v);
                case Float v -> arena.allocateFrom(JAVA_FLOAT, v);
                default -> throw new IllegalArgumentException("unsupported parameter " + params[i]);
            };
            pointers.setAtIndex(ADDRESS, i, cell);
        }
        return call("cuLaunchKernel", function, grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, stream,
                pointers, MemorySegment.NULL);
    }
}
