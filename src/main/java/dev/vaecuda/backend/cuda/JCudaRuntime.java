package dev.vaecuda.backend.cuda;

import static dev.vaecuda.backend.cuda.JCudaCalls.call;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceCounters;
import dev.vaecuda.backend.Replayable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA runtime seam on a GPU: JCuda's driver API in the device's primary context (the one
 * cuBLAS's runtime API shares), one stream for everything, the kernel module loaded and its
 * functions looked up once, cuBLAS ({@link CublasHandle}) and cuDNN ({@link CudnnHandle}) through FFM
 * on the same stream. Without cuDNN 9 it runs all but the convolutions, and
 * {@link #whyNoConvolutions} says why. In CI it runs against the fake driver (target/fake-cuda),
 * which enforces what NVIDIA documents.
 */
public final class JCudaRuntime implements CudaRuntime {
    /** The oldest GPU the PTX is built for (kernels/build-ptx.sh: -arch=sm_75), as major * 10 + minor. */
    static final int MIN_COMPUTE_CAPABILITY = 75;
    /** The oldest driver that loads the PTX: ISA 8.0 came with CUDA 12.0 (driver R525). */
    static final int MIN_DRIVER_VERSION = 12000;
    // cuBLAS's recommended workspace (cublasSetWorkspace): 32 MiB on Hopper and newer, 4 MiB before
    private static final long WORKSPACE_BYTES_SM90 = 32L << 20;
    private static final long WORKSPACE_BYTES = 4L << 20;
    // cuDNN's workspace, shared by every convolution: allocated once, since a captured step cannot allocate.
    // 64 MiB holds the GEMM algorithms' im2col buffer (inC * k * k * outH * outW * rows floats: 13 MB for the
    // default conv model's 32-to-64 layer at batch 128) five times over; an algorithm wanting more is passed over
    private static final long CUDNN_WORKSPACE_BYTES = 64L << 20;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final StreamHandle stream = new StreamHandle();
    private final CUmodule module = new CUmodule();
    private final Map<KernelSpec, CUfunction> functions = new HashMap<>();
    // what close() undoes, most recent first: each acquisition pushes its release
    private final Deque<Runnable> releases = new ArrayDeque<>();
    private final int multiprocessors;
    private final CudaDeviceInfo info;
    private final CublasHandle cublas;
    // null when cuDNN could not be loaded, as whyNoConvolutions says
    private final ConvolutionPlans convolutions;
    private final String whyNoConvolutions;
    private final boolean synchronizeEachLaunch;
    // the latest launch, cuBLAS or cuDNN call or graph replay queued on the stream since the last wait, or null
    private String lastQueued;
    // launches, GEMMs and convolutions captured into the graph being recorded, or null when not recording
    private long[] captured;
    private long kernelLaunches;
    private long gemmCalls;
    private long convolutionCalls;
    private long hostToDeviceBytes;
    private long deviceToHostBytes;

    /** A CUstream whose address cuBLAS can take (JCuda keeps it in a protected field). */
    private static final class StreamHandle extends CUstream {
        long address() {
            return getNativePointer();
        }
    }

    private JCudaRuntime(int ordinal, boolean synchronizeEachLaunch, boolean tf32, String cudnnOverride) {
        this.synchronizeEachLaunch = synchronizeEachLaunch;
        JCudaCalls.loadDriverApi();
        call("cuInit", () -> JCudaDriver.cuInit(0));
        int[] driver = new int[1];
        call("cuDriverGetVersion", () -> JCudaDriver.cuDriverGetVersion(driver));
        if (driver[0] < MIN_DRIVER_VERSION) {
            throw new CudaCallException("checking the NVIDIA driver", "it supports CUDA " + CudaDeviceInfo.cudaVersion(driver[0])
                    + "; the kernels (PTX ISA 8.0) need a driver for CUDA 12.0 or newer (R525+)");
        }
        call("cuDeviceGet(" + ordinal + ")", () -> JCudaDriver.cuDeviceGet(device, ordinal));
        CudaDeviceInfo gpu = queryInfo(driver[0]);
        if (gpu.computeMajor() * 10 + gpu.computeMinor() < MIN_COMPUTE_CAPABILITY) {
            throw new CudaCallException("checking the GPU", gpu.name() + " has compute capability " + gpu.computeMajor()
                    + "." + gpu.computeMinor() + "; the kernels need 7.5 (Turing) or newer");
        }
        call("cuDevicePrimaryCtxRetain", () -> JCudaDriver.cuDevicePrimaryCtxRetain(context, device));
        releases.push(() -> call("cuDevicePrimaryCtxRelease", () -> JCudaDriver.cuDevicePrimaryCtxRelease(device)));
        try {
            makeContextCurrent();
            int[] count = new int[1];
            call("cuDeviceGetAttribute(MULTIPROCESSOR_COUNT)", () -> JCudaDriver.cuDeviceGetAttribute(count,
                    CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device));
            multiprocessors = count[0];
            // non-blocking: no implicit dependency on the legacy NULL stream, on which capture is not allowed
            call("cuStreamCreate", () -> JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
            releases.push(() -> call("cuStreamDestroy", () -> JCudaDriver.cuStreamDestroy(stream)));
            PtxLoader.load(module, "kernels.ptx", KernelModule.ptxCString());
            releases.push(() -> call("cuModuleUnload", () -> JCudaDriver.cuModuleUnload(module)));
            for (KernelSpec kernel : Kernels.ALL) {
                CUfunction function = new CUfunction();
                call("cuModuleGetFunction(" + kernel.name() + ")",
                        () -> JCudaDriver.cuModuleGetFunction(function, module, kernel.name()));
                functions.put(kernel, function);
            }
            long workspaceBytes = gpu.computeMajor() >= 9 ? WORKSPACE_BYTES_SM90 : WORKSPACE_BYTES;
            long workspace = allocate(workspaceBytes);
            releases.push(() -> free(workspace));
            CublasLibrary library = CublasLibrary.load(System.getenv(CublasLibrary.OVERRIDE_VARIABLE), driver[0]);
            cublas = CublasHandle.create(library, stream.address(), workspace, workspaceBytes, tf32);
            releases.push(cublas::close);
            // no cuDNN 9: all but the convolutions run, and whyNoConvolutions says what to install
            CudnnLibrary cudnnLibrary = null;
            String cudnnMissing = null;
            try {
                cudnnLibrary = CudnnLibrary.load(cudnnOverride);
            } catch (CudaCallException missing) {
                cudnnMissing = missing.getMessage();
            }
            whyNoConvolutions = cudnnMissing;
            convolutions = cudnnLibrary == null ? null : openConvolutions(cudnnLibrary, tf32);
            info = gpu.withCublas(cublas.describeVersion(), cublas.file()).withCudnn(cudnnLibrary == null
                    ? "no convolutions: " + whyNoConvolutions : cudnnLibrary.describe());
        } catch (RuntimeException e) {
            // e stays the one thrown, with any failure of the releases suppressed
            release(new Faults(e));
            throw e;
        }
    }

    /**
     * Opens GPU {@code ordinal}. With {@code synchronizeEachLaunch} (--sync-debug) every launch is
     * followed by a stream synchronisation, so that an error is reported at the kernel that made it;
     * with {@code tf32}, cuBLAS and cuDNN may use TF32 tensor cores for the GEMMs and convolutions.
     */
    public static JCudaRuntime open(int ordinal, boolean synchronizeEachLaunch, boolean tf32) {
        return open(ordinal, synchronizeEachLaunch, tf32, System.getenv(CudnnLibrary.OVERRIDE_VARIABLE));
    }

    /** As {@link #open(int, boolean, boolean)}, with {@code cudnnOverride} in place of $VAE_CUDNN. */
    static JCudaRuntime open(int ordinal, boolean synchronizeEachLaunch, boolean tf32, String cudnnOverride) {
        return new JCudaRuntime(ordinal, synchronizeEachLaunch, tf32, cudnnOverride);
    }

    /** cuDNN on the stream with its workspace, and the plans that use them; each pushes its release. */
    private ConvolutionPlans openConvolutions(CudnnLibrary library, boolean tf32) {
        long workspace = allocate(CUDNN_WORKSPACE_BYTES);
        releases.push(() -> free(workspace));
        CudnnHandle cudnn = CudnnHandle.create(library, stream.address(), workspace, CUDNN_WORKSPACE_BYTES, tf32);
        releases.push(cudnn::close);
        ConvolutionPlans plans = new ConvolutionPlans(cudnn);
        releases.push(plans::close);
        return plans;
    }

    private CudaDeviceInfo queryInfo(int driverVersion) {
        byte[] name = new byte[256];
        call("cuDeviceGetName", () -> JCudaDriver.cuDeviceGetName(name, name.length, device));
        int[] major = new int[1], minor = new int[1];
        call("cuDeviceGetAttribute(COMPUTE_CAPABILITY_MAJOR)", () -> JCudaDriver.cuDeviceGetAttribute(major,
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
        call("cuDeviceGetAttribute(COMPUTE_CAPABILITY_MINOR)", () -> JCudaDriver.cuDeviceGetAttribute(minor,
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
        long[] bytes = new long[1];
        call("cuDeviceTotalMem", () -> JCudaDriver.cuDeviceTotalMem(bytes, device));
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        return new CudaDeviceInfo(new String(name, 0, length, StandardCharsets.US_ASCII), major[0], minor[0], bytes[0],
                driverVersion, "", "", "");
    }

    public CudaDeviceInfo info() {
        return info;
    }

    @Override
    public void bindToCallingThread() {
        makeContextCurrent();
    }

    /** The context is current per thread: any other thread (a shutdown hook, say) must make it current. */
    private void makeContextCurrent() {
        call("cuCtxSetCurrent", () -> JCudaDriver.cuCtxSetCurrent(context));
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int multiprocessorCount() {
        return multiprocessors;
    }

    @Override
    public long allocate(long bytes) {
        DevicePointers.Allocated pointer = new DevicePointers.Allocated();
        try {
            call("cuMemAlloc(" + bytes + " bytes)", () -> JCudaDriver.cuMemAlloc(pointer, bytes));
        } catch (CudaCallException e) {
            if (!JCudaCalls.isOutOfMemory(e)) {
                throw e;
            }
            long[] free = new long[1], total = new long[1];
            call("cuMemGetInfo", () -> JCudaDriver.cuMemGetInfo(free, total));
            throw CudaCallException.outOfMemory("cuMemAlloc", bytes, free[0], total[0]);
        }
        return pointer.address();
    }

    /**
     * A call on the stream. Kernels fail asynchronously, and their error is reported by whichever
     * call comes next, so an error here may come from work queued before it: the message says so.
     */
    private void onStream(String name, IntSupplier call) {
        try {
            call(name, call);
        } catch (CudaCallException e) {
            if (lastQueued == null || synchronizeEachLaunch) {
                throw e;
            }
            throw new CudaCallException(name, JCudaCalls.fromQueuedWork(e.getCause().getMessage(), lastQueued), e);
        }
    }

    /** From whichever thread frees (close may run in a shutdown hook), in this runtime's context. */
    @Override
    public void free(long address) {
        makeContextCurrent();
        call("cuMemFree", () -> JCudaDriver.cuMemFree(DevicePointers.at(address)));
    }

    @Override
    public void fillZero(long address, long bytes) {
        onStream("cuMemsetD8Async", () -> JCudaDriver.cuMemsetD8Async(DevicePointers.at(address), (byte) 0, bytes, stream));
    }

    @Override
    public void copyToDevice(float[] source, long destination) {
        copyToDevice(Pointer.to(source), (long) Float.BYTES * source.length, destination);
    }

    @Override
    public void copyToDevice(int[] source, long destination) {
        copyToDevice(Pointer.to(source), (long) Integer.BYTES * source.length, destination);
    }

    @Override
    public void copyToDevice(byte[] source, long destination) {
        copyToDevice(Pointer.to(source), source.length, destination);
    }

    /** In stream order, then waits: a Pointer.to(array) is only valid during the call that takes it. */
    private void copyToDevice(Pointer source, long bytes, long destination) {
        if (bytes == 0) {
            return;
        }
        onStream("cuMemcpyHtoDAsync(" + bytes + " bytes)",
                () -> JCudaDriver.cuMemcpyHtoDAsync(DevicePointers.at(destination), source, bytes, stream));
        synchronize();
        hostToDeviceBytes += bytes;
    }

    @Override
    public void copyToHost(long source, float[] destination) {
        copyToHost(source, Pointer.to(destination), (long) Float.BYTES * destination.length);
    }

    @Override
    public void copyToHost(long source, byte[] destination) {
        copyToHost(source, Pointer.to(destination), destination.length);
    }

    private void copyToHost(long source, Pointer destination, long bytes) {
        if (bytes == 0) {
            return;
        }
        onStream("cuMemcpyDtoHAsync(" + bytes + " bytes)",
                () -> JCudaDriver.cuMemcpyDtoHAsync(destination, DevicePointers.at(source), bytes, stream));
        synchronize();
        deviceToHostBytes += bytes;
    }

    @Override
    public void launch(KernelSpec kernel, LaunchGeometry geometry, Object... arguments) {
        kernel.checkArguments(arguments);
        CUfunction function = functions.get(kernel);
        if (function == null) {
            throw new IllegalArgumentException("not a kernel of this module: " + kernel.name());
        }
        Pointer[] values = new Pointer[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            values[i] = switch (kernel.parameters().get(i)) {
                case POINTER -> Pointer.to(new long[] {((DeviceMemory) argument).address()});
                case INT -> Pointer.to(new int[] {(Integer) argument});
                case FLOAT -> Pointer.to(new float[] {(Float) argument});
                case U64 -> Pointer.to(new long[] {(Long) argument});
            };
        }
        onStream("cuLaunchKernel(" + kernel.name() + ")", () -> JCudaDriver.cuLaunchKernel(function,
                geometry.gridX(), geometry.gridY(), 1, geometry.blockX(), geometry.blockY(), 1,
                0, stream, Pointer.to(values), null));
        lastQueued = "kernel " + kernel.name();
        if (captured != null) {
            captured[0]++;
            return;
        }
        kernelLaunches++;
        if (synchronizeEachLaunch) {
            call("cuStreamSynchronize after " + kernel.name(), () -> JCudaDriver.cuStreamSynchronize(stream));
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        // cuBLAS checks its arguments when called; faults of queued work surface at the next driver call
        cublas.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        lastQueued = "cublasSgemm_v2";
        if (captured != null) {
            captured[1]++;
        } else {
            gemmCalls++;
        }
    }

    @Override
    public Optional<String> whyNoConvolutions() {
        return Optional.ofNullable(whyNoConvolutions);
    }

    @Override
    public void convForward(ConvShape shape, int rows, long x, long w, long y) {
        plan("cudnnConvolutionForward", shape, rows).forward(x, w, y);
        queuedConvolution("cudnnConvolutionForward");
    }

    @Override
    public void convBackwardData(ConvShape shape, int rows, long dy, long w, long dx) {
        plan("cudnnConvolutionBackwardData", shape, rows).backwardData(dy, w, dx);
        queuedConvolution("cudnnConvolutionBackwardData");
    }

    @Override
    public void convBackwardFilter(ConvShape shape, int rows, long x, long dy, long dw) {
        plan("cudnnConvolutionBackwardFilter", shape, rows).backwardFilter(x, dy, dw);
        queuedConvolution("cudnnConvolutionBackwardFilter");
    }

    private ConvolutionPlan plan(String call, ConvShape shape, int rows) {
        if (convolutions == null) {
            throw new CudaCallException(call, whyNoConvolutions);
        }
        return convolutions.of(shape, rows, captured != null);
    }

    /** Counted as the GEMMs are: when run, or at each replay when recorded. */
    private void queuedConvolution(String call) {
        lastQueued = call;
        if (captured != null) {
            captured[2]++;
        } else {
            convolutionCalls++;
        }
    }

    /**
     * Stream capture: the launches, cuBLAS and cuDNN calls until endRecording become one CUDA graph.
     * Thread-local mode (CUDA Programming Guide, "Cross-stream Dependencies and Events" / capture
     * modes): an unsafe call (an allocation, a synchronous copy) from this thread fails and
     * invalidates the capture, while other threads are not affected.
     */
    @Override
    public void beginRecording() {
        if (captured != null) {
            throw new IllegalStateException("already recording");
        }
        call("cuStreamBeginCapture", () -> JCudaDriver.cuStreamBeginCapture(stream,
                CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        captured = new long[3];
    }

    @Override
    public Replayable endRecording() {
        if (captured == null) {
            throw new IllegalStateException("not recording");
        }
        long launchesPerReplay = captured[0], gemmsPerReplay = captured[1], convolutionsPerReplay = captured[2];
        captured = null;
        CUgraph graph = new CUgraph();
        call("cuStreamEndCapture", () -> JCudaDriver.cuStreamEndCapture(stream, graph));
        CUgraphExec executable = new CUgraphExec();
        try {
            call("cuGraphInstantiate", () -> JCudaDriver.cuGraphInstantiate(executable, graph, 0L));
        } catch (RuntimeException e) {
            call("cuGraphDestroy", () -> JCudaDriver.cuGraphDestroy(graph));
            throw e;
        }
        return new Replayable() {
            @Override
            public void replay() {
                onStream("cuGraphLaunch", () -> JCudaDriver.cuGraphLaunch(executable, stream));
                lastQueued = "the recorded step (a CUDA graph)";
                // counted here, when the work runs, not when it was captured
                kernelLaunches += launchesPerReplay;
                gemmCalls += gemmsPerReplay;
                convolutionCalls += convolutionsPerReplay;
                if (synchronizeEachLaunch) {
                    call("cuStreamSynchronize after cuGraphLaunch", () -> JCudaDriver.cuStreamSynchronize(stream));
                }
            }

            @Override
            public void close() {
                makeContextCurrent();
                call("cuGraphExecDestroy", () -> JCudaDriver.cuGraphExecDestroy(executable));
                call("cuGraphDestroy", () -> JCudaDriver.cuGraphDestroy(graph));
            }
        };
    }

    /** From whichever thread waits (close may run in a shutdown hook), in this runtime's context. */
    @Override
    public void synchronize() {
        makeContextCurrent();
        onStream("cuStreamSynchronize", () -> JCudaDriver.cuStreamSynchronize(stream));
        lastQueued = null;
    }

    @Override
    public DeviceCounters counters() {
        return new DeviceCounters(kernelLaunches, gemmCalls, convolutionCalls, hostToDeviceBytes, deviceToHostBytes);
    }

    @Override
    public void resetCounters() {
        kernelLaunches = 0;
        gemmCalls = 0;
        convolutionCalls = 0;
        hostToDeviceBytes = 0;
        deviceToHostBytes = 0;
    }

    /** Waits for the stream, then releases everything; the first failure is thrown, the later ones suppressed. */
    @Override
    public void close() {
        Faults faults = new Faults();
        faults.run(this::synchronize);
        release(faults);
        faults.rethrow();
    }

    /** Runs every release, most recent first, each even when one before it failed. */
    private void release(Faults faults) {
        while (!releases.isEmpty()) {
            faults.run(releases.pop());
        }
    }
}
