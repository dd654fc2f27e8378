package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceCounters;
import dev.vaecuda.backend.Replayable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA runtime seam over the CPU emulator: the kernels of kernels/*.cu compiled with g++
 * against src/main/native/cuda_emu.h, called through FFM. Launches and copies are synchronous.
 * The emulator is one per process: its counters count every EmulatedRuntime's work.
 */
public final class EmulatedRuntime implements CudaRuntime {
    private static final int HOST_TO_DEVICE = 1;
    private static final int DEVICE_TO_HOST = 2;
    // emu_malloc's status for an allocation over the memory cap
    private static final int OUT_OF_MEMORY = 2;

    private final EmulatorLibrary library;
    private final Map<KernelSpec, MemorySegment> kernels = new HashMap<>();
    // the launches, sgemms and convolutions of a step being recorded, or null
    private List<Runnable> recording;
    // whether a call that stream capture forbids was made while recording (as the driver, it fails the capture)
    private boolean recordingInvalidated;

    private EmulatedRuntime(EmulatorLibrary library) {
        this.library = library;
        for (KernelSpec kernel : Kernels.ALL) {
            kernels.put(kernel, findKernel(kernel));
        }
    }

    /** The emulator library from the class path, or the one VAE_CUDA_EMULATOR names (loaded on first use). */
    public static EmulatedRuntime open() {
        return new EmulatedRuntime(EmulatorLibrary.load());
    }

    /**
     * How the loaded emulator rounds: "ieee" (every operation on its own, as the shipped PTX and the
     * CPU backend) or "gpu" (a*b + c fused, math functions off by their documented bounds).
     */
    public String rounding() {
        return Downcalls.cString(Downcalls.value(() -> (MemorySegment) library.rounding.invokeExact()));
    }

    /** The emulated kernel, after checking that its C signature is the description's. */
    private MemorySegment findKernel(KernelSpec kernel) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocateFrom(kernel.name());
            MemorySegment found = Downcalls.value(() -> (MemorySegment) library.findKernel.invokeExact(name));
            if (found.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("the emulator has no kernel " + kernel.name());
            }
            String signature = Downcalls.cString(Downcalls.value(() -> (MemorySegment) library.kernelSignature.invokeExact(found)));
            if (!signature.equals(signatureOf(kernel))) {
                throw new IllegalStateException("kernel " + kernel.name() + " takes (" + signature
                        + ") in C, its launch description says (" + signatureOf(kernel) + ")");
            }
            return found;
        }
    }

    /** The emulator's letters for a description's parameters: p pointer, i int, f float, u unsigned long long. */
    static String signatureOf(KernelSpec kernel) {
        StringBuilder letters = new StringBuilder();
        for (ParamType type : kernel.parameters()) {
            letters.append(switch (type) {
                case POINTER -> 'p';
                case INT -> 'i';
                case FLOAT -> 'f';
                case U64 -> 'u';
            });
        }
        return letters.toString();
    }

    @Override
    public String name() {
        return "emulated";
    }

    @Override
    public int multiprocessorCount() {
        return Downcalls.value(() -> (int) library.multiprocessorCount.invokeExact());
    }

    @Override
    public long allocate(long bytes) {
        refuseWhileRecording("emu_malloc");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(ADDRESS);
            int status = Downcalls.value(() -> (int) library.malloc.invokeExact(bytes, address));
            if (status == OUT_OF_MEMORY) {
                long[] freeAndTotal = memoryInfo(library);
                throw CudaCallException.outOfMemory("emu_malloc", bytes, freeAndTotal[0], freeAndTotal[1]);
            }
            check("emu_malloc", status);
            return address.get(ADDRESS, 0).address();
        }
    }

    /** As cuMemGetInfo: free and total bytes of the emulated device (total: its cap, or the host's memory). */
    private static long[] memoryInfo(EmulatorLibrary library) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG), total = arena.allocate(JAVA_LONG);
            Downcalls.value(() -> {
                library.memGetInfo.invokeExact(free, total);
                return 0;
            });
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    /**
     * For tests of running out of device memory: caps the emulated device's memory (one per
     * process) at what is allocated now plus {@code bytes}; 0 lifts the cap.
     */
    public static void limitMemory(long bytes) {
        EmulatorLibrary library = EmulatorLibrary.load();
        long[] freeAndTotal = memoryInfo(library);
        long limit = bytes == 0 ? 0 : freeAndTotal[1] - freeAndTotal[0] + bytes;
        Downcalls.value(() -> {
            library.setMemoryLimit.invokeExact(limit);
            return 0;
        });
    }

    /**
     * For fault tests: the launch of {@code kernel} that follows {@code after} successful ones
     * fails, once, as a kernel that faults on a GPU; null disarms it.
     */
    public static void failLaunch(String kernel, long after) {
        EmulatorLibrary library = EmulatorLibrary.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = kernel == null ? MemorySegment.NULL : arena.allocateFrom(kernel);
            Downcalls.value(() -> {
                library.failLaunch.invokeExact(name, after);
                return 0;
            });
        }
    }

    @Override
    public void free(long address) {
        refuseWhileRecording("emu_free");
        call("emu_free", () -> (int) library.free.invokeExact(MemorySegment.ofAddress(address)));
    }

    @Override
    public void fillZero(long address, long bytes) {
        refuseWhileRecording("emu_memset");
        call("emu_memset", () -> (int) library.memset.invokeExact(MemorySegment.ofAddress(address), 0, bytes));
    }

    @Override
    public void copyToDevice(float[] source, long destination) {
        copy(MemorySegment.ofAddress(destination), MemorySegment.ofArray(source), HOST_TO_DEVICE);
    }

    @Override
    public void copyToDevice(int[] source, long destination) {
        copy(MemorySegment.ofAddress(destination), MemorySegment.ofArray(source), HOST_TO_DEVICE);
    }

    @Override
    public void copyToDevice(byte[] source, long destination) {
        copy(MemorySegment.ofAddress(destination), MemorySegment.ofArray(source), HOST_TO_DEVICE);
    }

    @Override
    public void copyToHost(long source, float[] destination) {
        copy(MemorySegment.ofArray(destination), MemorySegment.ofAddress(source), DEVICE_TO_HOST);
    }

    @Override
    public void copyToHost(long source, byte[] destination) {
        copy(MemorySegment.ofArray(destination), MemorySegment.ofAddress(source), DEVICE_TO_HOST);
    }

    /** Copies the host segment's size in bytes (the host side is whichever is a Java array). */
    private void copy(MemorySegment destination, MemorySegment source, int kind) {
        refuseWhileRecording("emu_memcpy");
        long bytes = kind == HOST_TO_DEVICE ? source.byteSize() : destination.byteSize();
        call("emu_memcpy", () -> (int) library.memcpy.invokeExact(destination, source, bytes, kind));
    }

    @Override
    public void beginRecording() {
        if (recording != null) {
            throw new IllegalStateException("already recording");
        }
        recording = new ArrayList<>();
    }

    @Override
    public Replayable endRecording() {
        if (recording == null) {
            throw new IllegalStateException("not recording");
        }
        List<Runnable> work = List.copyOf(recording);
        recording = null;
        if (recordingInvalidated) {
            recordingInvalidated = false;
            throw new CudaCallException("ending the recording", "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED: a call that"
                    + " stream capture forbids was made while recording");
        }
        return new Replayable() {
            @Override
            public void replay() {
                work.forEach(Runnable::run);
            }

            @Override
            public void close() {
            }
        };
    }

    /** Runs {@code work} now, or records it while recording (as stream capture does on a GPU). */
    private void runOrRecord(Runnable work) {
        if (recording != null) {
            recording.add(work);
        } else {
            work.run();
        }
    }

    /**
     * What stream capture forbids (CUDA Programming Guide, "Prohibited and Unhandled Operations"):
     * allocating, freeing, synchronous copies and waiting for the stream fail, and invalidate the
     * capture, as the driver does; fills are refused here too, as the backend never records one.
     */
    private void refuseWhileRecording(String call) {
        if (recording != null) {
            recordingInvalidated = true;
            throw new CudaCallException(call, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED: not allowed while a step is being"
                    + " recorded (stream capture)");
        }
    }

    @Override
    public void launch(KernelSpec kernel, LaunchGeometry geometry, Object... arguments) {
        kernel.checkArguments(arguments);
        MemorySegment function = kernels.get(kernel);
        if (function == null) {
            throw new IllegalArgumentException("not a kernel of this module: " + kernel.name());
        }
        Object[] frozen = arguments.clone();
        runOrRecord(() -> launchNow(kernel, function, geometry, frozen));
    }

    private void launchNow(KernelSpec kernel, MemorySegment function, LaunchGeometry geometry, Object[] arguments) {
        try (Arena arena = Arena.ofConfined()) {
            // as cuLaunchKernel's kernelParams: an array of pointers, each to one argument's value
            MemorySegment values = arena.allocate(JAVA_LONG, arguments.length);
            MemorySegment pointers = arena.allocate(ADDRESS, arguments.length);
            for (int i = 0; i < arguments.length; i++) {
                long offset = (long) i * JAVA_LONG.byteSize();
                switch (kernel.parameters().get(i)) {
                    case POINTER -> values.set(JAVA_LONG, offset, ((DeviceMemory) arguments[i]).address());
                    case INT -> values.set(JAVA_INT, offset, (Integer) arguments[i]);
                    case FLOAT -> values.set(JAVA_FLOAT, offset, (Float) arguments[i]);
                    case U64 -> values.set(JAVA_LONG, offset, (Long) arguments[i]);
                }
                pointers.setAtIndex(ADDRESS, i, values.asSlice(offset));
            }
            call("emu_launch(" + kernel.name() + ")", () -> (int) library.launch.invokeExact(function,
                    geometry.gridX(), geometry.gridY(), 1, geometry.blockX(), geometry.blockY(), 1, pointers));
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        runOrRecord(() -> call("emu_sgemm", () -> (int) library.sgemm.invokeExact(transA ? 1 : 0, transB ? 1 : 0,
                m, n, k, alpha, MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(b), ldb, beta,
                MemorySegment.ofAddress(c), ldc)));
    }

    @Override
    public java.util.Optional<String> whyNoConvolutions() {
        return java.util.Optional.empty();
    }

    @Override
    public void convForward(ConvShape shape, int rows, long x, long w, long y) {
        convolve("emu_conv_forward", library.convForward, shape, rows, x, w, y);
    }

    @Override
    public void convBackwardData(ConvShape shape, int rows, long dy, long w, long dx) {
        convolve("emu_conv_backward_data", library.convBackwardData, shape, rows, dy, w, dx);
    }

    @Override
    public void convBackwardFilter(ConvShape shape, int rows, long x, long dy, long dw) {
        convolve("emu_conv_backward_filter", library.convBackwardFilter, shape, rows, x, dy, dw);
    }

    /** One of the emulator's convolutions over {@code rows} images, overwriting (alpha 1, beta 0) as cuDNN's calls do here. */
    private void convolve(String name, MethodHandle convolution, ConvShape s, int rows, long first,
                          long second, long output) {
        runOrRecord(() -> call(name, () -> (int) convolution.invokeExact(rows, s.inChannels(), s.inHeight(),
                s.inWidth(), s.outChannels(), s.kernel(), s.padding(), s.stride(), 1f, MemorySegment.ofAddress(first),
                MemorySegment.ofAddress(second), 0f, MemorySegment.ofAddress(output))));
    }

    @Override
    public void synchronize() {
        // launches and copies return when done; but a capture could not wait for its stream
        refuseWhileRecording("synchronize");
    }

    @Override
    public DeviceCounters counters() {
        try (Arena arena = Arena.ofConfined()) {
            // emu_counters: launches, sgemms, bytes host to device, bytes device to host, convolutions
            MemorySegment values = arena.allocate(JAVA_LONG, 5);
            call("emu_counters", () -> {
                library.counters.invokeExact(values);
                return 0;
            });
            return new DeviceCounters(values.getAtIndex(JAVA_LONG, 0), values.getAtIndex(JAVA_LONG, 1),
                    values.getAtIndex(JAVA_LONG, 4), values.getAtIndex(JAVA_LONG, 2), values.getAtIndex(JAVA_LONG, 3));
        }
    }

    @Override
    public void resetCounters() {
        call("emu_reset_counters", () -> {
            library.resetCounters.invokeExact();
            return 0;
        });
    }

    @Override
    public void close() {
        // nothing of its own: the backend frees its allocations, the library stays loaded
    }

    /** Runs a C API call that returns a status; a nonzero one becomes a CudaCallException with the emulator's message. */
    private void call(String name, Downcalls.Downcall<Integer> downcall) {
        check(name, Downcalls.value(downcall));
    }

    private void check(String name, int status) {
        if (status != 0) {
            throw new CudaCallException(name, Downcalls.cString(Downcalls.value(() -> (MemorySegment) library.lastError.invokeExact())));
        }
    }
}
