package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One cuDNN handle bound to the runtime's stream, with what every convolution of the runtime
 * shares: the workspace, which the runtime owns (allocated once, as nothing may be allocated
 * inside a capture), the math type, and alpha 1 and beta 0. Use from the thread that has the
 * runtime's context current.
 */
final class CudnnHandle implements AutoCloseable {
    final CudnnLibrary library;
    final MemorySegment handle;
    final MemorySegment workspace;
    final long workspaceBytes;
    /** CUDNN_FMA_MATH (no tensor cores: FP32 as the CPU rounds it), or CUDNN_DEFAULT_MATH with --tf32. */
    final int mathType;
    // alpha and beta of every call, in host memory: cuDNN reads them during the call, so two floats serve all
    private final Arena scalars = Arena.ofShared();
    final MemorySegment one = scalars.allocateFrom(JAVA_FLOAT, 1f);
    final MemorySegment zero = scalars.allocateFrom(JAVA_FLOAT, 0f);

    private CudnnHandle(CudnnLibrary library, MemorySegment handle, long workspace, long workspaceBytes, boolean tf32) {
        this.library = library;
        this.handle = handle;
        this.workspace = MemorySegment.ofAddress(workspace);
        this.workspaceBytes = workspaceBytes;
        this.mathType = tf32 ? CudnnLibrary.DEFAULT_MATH : CudnnLibrary.FMA_MATH;
    }

    /**
     * A handle on {@code stream} (a CUstream's address) whose convolutions use {@code workspaceBytes}
     * of device memory at {@code workspace}; TF32 tensor cores allowed when {@code tf32}.
     */
    static CudnnHandle create(CudnnLibrary library, long stream, long workspace, long workspaceBytes, boolean tf32) {
        MemorySegment handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            library.call("cudnnCreate", () -> (int) library.create.invokeExact(out));
            handle = out.get(ADDRESS, 0);
        }
        CudnnHandle created = new CudnnHandle(library, handle, workspace, workspaceBytes, tf32);
        try {
            library.call("cudnnSetStream", () -> (int) library.setStream.invokeExact(handle,
                    MemorySegment.ofAddress(stream)));
        } catch (RuntimeException e) {
            new Faults(e).run(created::close);
            throw e;
        }
        return created;
    }

    @Override
    public void close() {
        try {
            library.call("cudnnDestroy", () -> (int) library.destroy.invokeExact(handle));
        } finally {
            scalars.close();
        }
    }
}
