package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceCounters;

/**
 * The seam under {@link CudaBackend}: the few things it needs from a CUDA device, in device
 * addresses and typed launches. {@link JCudaRuntime} is a GPU through JCuda; {@link EmulatedRuntime}
 * is the emulator library that runs the same kernels on the CPU. Work is ordered as on one stream;
 * every call may return before the work is done except {@link #copyToHost} and {@link #synchronize}.
 * Use one runtime from one thread, but for what a close does ({@link #synchronize}, {@link #free},
 * {@link #close}), which may run on another (a shutdown hook).
 */
public interface CudaRuntime extends AutoCloseable {

    /** "cuda" or "emulated", for logs. */
    String name();

    /** Makes this runtime's context current on the calling thread (see {@link dev.vaecuda.backend.Backend#bindToCallingThread}). */
    default void bindToCallingThread() {
    }

    /** The device's multiprocessor count, which sizes grid-stride launches. */
    int multiprocessorCount();

    /** Allocates uninitialised device memory; returns its address. */
    long allocate(long bytes);

    void free(long address);

    void fillZero(long address, long bytes);

    void copyToDevice(float[] source, long destination);

    void copyToDevice(int[] source, long destination);

    void copyToDevice(byte[] source, long destination);

    /** Waits for the work before it, then copies {@code destination.length} floats. */
    void copyToHost(long source, float[] destination);

    /** Waits for the work before it, then copies {@code destination.length} bytes. */
    void copyToHost(long source, byte[] destination);

    /** Launches {@code kernel}; the arguments must match its parameters (see {@link KernelSpec#checkArguments}). */
    void launch(KernelSpec kernel, LaunchGeometry geometry, Object... arguments);

    /** cublasSgemm: C = alpha op(A) op(B) + beta C, column-major; beta 0 never reads C. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
               long b, int ldb, float beta, long c, int ldc);

    /**
     * Why the convolution calls cannot run here (e.g. no cuDNN 9 on the loader path), in one line
     * that says what to do; empty when they can.
     */
    java.util.Optional<String> whyNoConvolutions();

    /**
     * cudnnConvolutionForward over {@code rows} NCHW images: y = x convolved with w (cross-correlation,
     * as {@link dev.vaecuda.backend.Backend#convForward}), y overwritten. Descriptors, algorithm and
     * workspace are set up on the first call of each (shape, rows), which must not be recorded.
     */
    void convForward(ConvShape shape, int rows, long x, long w, long y);

    /** cudnnConvolutionBackwardData: dx = the gradient of {@link #convForward} with respect to x, overwritten. */
    void convBackwardData(ConvShape shape, int rows, long dy, long w, long dx);

    /** cudnnConvolutionBackwardFilter: dw = the gradient of {@link #convForward} with respect to w, summed over the rows, overwritten. */
    void convBackwardFilter(ConvShape shape, int rows, long x, long dy, long dw);

    /**
     * Starts recording: launches, sgemms and convolutions until {@link #endRecording} are recorded, not run
     * (copies and fills are not allowed meanwhile). On a GPU, stream capture into a CUDA graph.
     */
    void beginRecording();

    /** Ends recording; the recorded work, replayed in the stream's order on each call. */
    dev.vaecuda.backend.Replayable endRecording();

    /** Waits until all work issued so far has finished. */
    void synchronize();

    DeviceCounters counters();

    void resetCounters();

    @Override
    void close();
}
