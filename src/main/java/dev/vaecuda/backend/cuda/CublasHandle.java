package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * One cuBLAS handle bound to the runtime's stream and to a workspace the runtime owns, set up as
 * cuBLAS's "CUDA Graphs support" section advises for capture: a user workspace
 * ({@code cublasSetWorkspace}), so cuBLAS allocates nothing inside a capture, and the host
 * pointer mode, so alpha and beta are read when a GEMM is captured. Use from the thread that
 * has the runtime's context current.
 */
final class CublasHandle implements AutoCloseable {
    private final CublasLibrary library;
    private final MemorySegment handle;
    private final int version;
    // alpha and beta: in the host pointer mode cuBLAS reads them during the call, so two floats serve every call
    private final Arena scalars = Arena.ofShared();
    private final MemorySegment alpha = scalars.allocate(Float.BYTES);
    private final MemorySegment beta = scalars.allocate(Float.BYTES);

    private CublasHandle(CublasLibrary library, MemorySegment handle) {
        this.library = library;
        this.handle = handle;
        this.version = queryVersion();
    }

    /**
     * A handle on {@code stream} (a CUstream's address) with {@code workspaceBytes} of device memory
     * at {@code workspace}; TF32 tensor cores for the GEMMs when {@code tf32}.
     */
    static CublasHandle create(CublasLibrary library, long stream, long workspace, long workspaceBytes, boolean tf32) {
        MemorySegment handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            library.check("cublasCreate_v2", Downcalls.value(() -> (int) library.create.invokeExact(out)));
            handle = out.get(ADDRESS, 0);
        }
        CublasHandle created = new CublasHandle(library, handle);
        try {
            created.call("cublasSetStream_v2", () -> (int) library.setStream.invokeExact(handle,
                    MemorySegment.ofAddress(stream)));
            // after the stream: cublasSetStream resets the workspace to cuBLAS's default pool
            created.call("cublasSetWorkspace_v2", () -> (int) library.setWorkspace.invokeExact(handle,
                    MemorySegment.ofAddress(workspace), workspaceBytes));
            created.call("cublasSetPointerMode_v2", () -> (int) library.setPointerMode.invokeExact(handle,
                    CublasLibrary.POINTER_MODE_HOST));
            int mathMode = tf32 ? CublasLibrary.TF32_TENSOR_OP_MATH : CublasLibrary.DEFAULT_MATH;
            created.call("cublasSetMathMode", () -> (int) library.setMathMode.invokeExact(handle, mathMode));
            int major = created.version / 10000;
            if (major != 12 && major != 13) {
                throw new CudaCallException("loading cuBLAS", library.file + " is cuBLAS " + created.describeVersion()
                        + "; vae-cuda needs cuBLAS 12 or 13 (name another file in " + CublasLibrary.OVERRIDE_VARIABLE + ")");
            }
        } catch (RuntimeException e) {
            new Faults(e).run(created::close);
            throw e;
        }
        return created;
    }

    private int queryVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            call("cublasGetVersion_v2", () -> (int) library.getVersion.invokeExact(handle, out));
            return out.get(JAVA_INT, 0);
        }
    }

    /** e.g. "13.1.0" (cuBLAS encodes major * 10000 + minor * 100 + patch). */
    String describeVersion() {
        return String.format(Locale.ROOT, "%d.%d.%d", version / 10000, version / 100 % 100, version % 100);
    }

    /** The file the library was loaded from. */
    String file() {
        return library.file;
    }

    /** cublasSgemm_v2: C = alpha op(A) op(B) + beta C, column-major, device addresses; queued on the stream. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alphaValue, long a, int lda,
               long b, int ldb, float betaValue, long c, int ldc) {
        alpha.set(JAVA_FLOAT, 0, alphaValue);
        beta.set(JAVA_FLOAT, 0, betaValue);
        int opA = transA ? CublasLibrary.OP_T : CublasLibrary.OP_N, opB = transB ? CublasLibrary.OP_T : CublasLibrary.OP_N;
        call("cublasSgemm_v2", () -> (int) library.sgemm.invokeExact(handle, opA, opB, m, n, k, alpha,
                MemorySegment.ofAddress(a), lda, MemorySegment.ofAddress(b), ldb, beta, MemorySegment.ofAddress(c), ldc));
    }

    private void call(String name, Downcalls.Downcall<Integer> downcall) {
        library.check(name, Downcalls.value(downcall));
    }

    @Override
    public void close() {
        try {
            call("cublasDestroy_v2", () -> (int) library.destroy.invokeExact(handle));
        } finally {
            scalars.close();
        }
    }
}
