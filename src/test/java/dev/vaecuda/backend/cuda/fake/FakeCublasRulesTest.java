package dev.vaecuda.backend.cuda.fake;

import static dev.vaecuda.backend.cuda.fake.FakeCuda.*;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake cuBLAS (libcublas.so.13 and .12 of target/fake-cuda): its documented argument checks
 * broken on purpose with the real cublasStatus_t codes, GEMMs on the fake driver's streams and
 * captures, the lazy workspace allocation that makes a first GEMM inside a capture fail, and the
 * stream setting that takes a handle back to that default workspace.
 */
class FakeCublasRulesTest {
    static final int CUBLAS_STATUS_SUCCESS = 0;
    static final int CUBLAS_STATUS_NOT_INITIALIZED = 1;
    static final int CUBLAS_STATUS_ALLOC_FAILED = 3;
    static final int CUBLAS_STATUS_INVALID_VALUE = 7;
    static final int CUBLAS_OP_N = 0;
    static final int CUBLAS_OP_T = 1;

    private FakeCuda cuda;
    private SymbolLookup cublas;

    @BeforeEach
    void freshDriver() {
        cuda = FakeCuda.fresh();
        cuda.initWithContext();
        cublas = FakeCuda.library("libcublas.so.13");
    }

    private MemorySegment createHandle() {
        MemorySegment handle = cuda.out();
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasCreate_v2", handle));
        return MemorySegment.ofAddress(value(handle));
    }

    private MemorySegment scalar(float value) {
        return cuda.arena.allocateFrom(JAVA_FLOAT, value);
    }

    private int sgemm(MemorySegment handle, int transA, int transB, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        return cuda.call(cublas, "cublasSgemm_v2", handle, transA, transB, m, n, k, scalar(alpha), a, lda, b, ldb,
                scalar(beta), c, ldc);
    }

    @Test
    void reportsItsVersionInCublasEncoding() {
        MemorySegment version = cuda.out();
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasGetVersion_v2", createHandle(), version));
        assertEquals(130100, intValue(version));
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasGetProperty", 0, version));
        assertEquals(13, intValue(version));
        SymbolLookup cublas12 = FakeCuda.library("libcublas.so.12");
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas12, "cublasGetVersion_v2", MemorySegment.NULL, version));
        assertEquals(120604, intValue(version));
    }

    @Test
    void gemmComputesColumnMajorWithAlphaAndBeta() {
        MemorySegment handle = createHandle();
        // A (2, 3) = [1 2 3; 4 5 6], B (3, 2) = [1 0; 0 1; 1 1], column-major
        long a = cuda.alloc(24), b = cuda.alloc(24), c = cuda.alloc(16);
        cuda.upload(a, new float[] {1, 4, 2, 5, 3, 6});
        cuda.upload(b, new float[] {1, 0, 1, 0, 1, 1});
        cuda.upload(c, new float[] {1, 1, 1, 1});
        // C = 2 A B + 1 C = 2 [4 5; 10 11] + 1
        assertEquals(CUBLAS_STATUS_SUCCESS, sgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 3, 2f, a, 2, b, 3, 1f, c, 2));
        assertArrayEquals(new float[] {9, 21, 11, 23}, cuda.download(c, 4));
        // C = A^T-stored operand: op(A) = (A as (3, 2))^T, the same matrix read transposed
        cuda.upload(a, new float[] {1, 2, 3, 4, 5, 6});
        assertEquals(CUBLAS_STATUS_SUCCESS, sgemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, 2, 2, 3, 1f, a, 3, b, 3, 0f, c, 2));
        assertArrayEquals(new float[] {4, 10, 5, 11}, cuda.download(c, 4));
    }

    @Test
    void gemmOnAHandleNotCreatedIsNotInitialized() {
        long m = cuda.alloc(64);
        assertEquals(CUBLAS_STATUS_NOT_INITIALIZED, sgemm(MemorySegment.NULL, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, 1f, m, 2, m, 2, 0f, m, 2));
        MemorySegment handle = createHandle();
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasDestroy_v2", handle));
        assertEquals(CUBLAS_STATUS_NOT_INITIALIZED, sgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, 1f, m, 2, m, 2, 0f, m, 2));
        assertEquals(CUBLAS_STATUS_NOT_INITIALIZED, cuda.call(cublas, "cublasSetStream_v2", handle, MemorySegment.NULL));
    }

    @Test
    void gemmArgumentsOutsideTheDocumentedRangesAreInvalidValue() {
        MemorySegment handle = createHandle();
        long x = cuda.alloc(4096);
        int n = CUBLAS_OP_N, t = CUBLAS_OP_T;
        // m = 4, n = 3, k = 5: A stored (4, 5) or, transposed, (5, 4); B (5, 3) or (3, 5); C (4, 3)
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, n, -1, 3, 5, 1f, x, 4, x, 5, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, n, 4, -1, 5, 1f, x, 4, x, 5, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, n, 4, 3, -1, 1f, x, 4, x, 5, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, 3, n, 4, 3, 5, 1f, x, 4, x, 5, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, 7, 4, 3, 5, 1f, x, 4, x, 5, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, n, 4, 3, 5, 1f, x, 3, x, 5, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, t, n, 4, 3, 5, 1f, x, 4, x, 5, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, n, 4, 3, 5, 1f, x, 4, x, 4, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, t, 4, 3, 5, 1f, x, 4, x, 2, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, n, 4, 3, 5, 1f, x, 4, x, 5, 0f, x, 3));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, sgemm(handle, n, n, 0, 0, 0, 1f, x, 0, x, 1, 0f, x, 1),
                "lda >= max(1, rows) even for an empty matrix");
        assertEquals(CUBLAS_STATUS_SUCCESS, sgemm(handle, t, t, 4, 3, 5, 1f, x, 5, x, 3, 0f, x, 4));
        assertEquals(CUBLAS_STATUS_SUCCESS, sgemm(handle, n, n, 4, 3, 5, 1f, x, 4, x, 5, 0f, x, 4));
    }

    @Test
    void modesAndWorkspaceOutsideTheirRangesAreInvalidValue() {
        MemorySegment handle = createHandle();
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, cuda.call(cublas, "cublasSetPointerMode_v2", handle, 2));
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, cuda.call(cublas, "cublasSetMathMode", handle, 4));
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasSetMathMode", handle, 3));
        long workspace = cuda.alloc(1 << 20);
        assertEquals(CUBLAS_STATUS_INVALID_VALUE, cuda.call(cublas, "cublasSetWorkspace_v2", handle,
                MemorySegment.ofAddress(workspace + 8), 1024L), "a workspace must be 256-byte aligned");
    }

    /** cuBLAS sets itself up lazily: its default workspace is allocated by the first GEMM. */
    @Test
    void firstGemmInsideACaptureAllocatesAndInvalidatesTheCapture() {
        MemorySegment handle = createHandle();
        MemorySegment stream = cuda.stream();
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasSetStream_v2", handle, stream));
        long m = cuda.alloc(64);
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        assertEquals(CUBLAS_STATUS_ALLOC_FAILED, sgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, 1f, m, 2, m, 2, 0f, m, 2));
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.call("cuStreamEndCapture", stream, cuda.out()));
    }

    @Test
    void gemmCapturedAfterAnEagerOneReplaysWithTheCapturedAlpha() {
        MemorySegment handle = createHandle();
        MemorySegment stream = cuda.stream();
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasSetStream_v2", handle, stream));
        long a = cuda.alloc(16), b = cuda.alloc(16), c = cuda.alloc(16);
        cuda.upload(a, new float[] {1, 2, 3, 4});
        cuda.upload(b, new float[] {1, 0, 0, 1});
        // the eager step: cuBLAS's lazy set-up happens here, outside any capture
        assertEquals(CUBLAS_STATUS_SUCCESS, sgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2));
        cuda.upload(c, new float[4]);
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        MemorySegment alpha = scalar(3f);
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasSgemm_v2", handle, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2,
                alpha, a, 2, b, 2, scalar(0f), c, 2));
        MemorySegment graph = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, graph));
        assertArrayEquals(new float[4], cuda.download(c, 4), "a captured GEMM does not run");
        alpha.set(JAVA_FLOAT, 0, 100f);  // host pointer mode: the value at capture time is kept
        MemorySegment exec = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuGraphInstantiateWithFlags", exec, MemorySegment.ofAddress(value(graph)), 0L));
        assertEquals(CUDA_SUCCESS, cuda.call("cuGraphLaunch", MemorySegment.ofAddress(value(exec)), stream));
        assertArrayEquals(new float[] {3, 6, 9, 12}, cuda.download(c, 4));
    }

    @Test
    void aUserWorkspaceLetsTheFirstGemmBeCaptured() {
        MemorySegment handle = createHandle();
        MemorySegment stream = cuda.stream();
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasSetStream_v2", handle, stream));
        setWorkspace(handle);
        long m = cuda.alloc(64);
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        assertEquals(CUBLAS_STATUS_SUCCESS, sgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, 1f, m, 2, m, 2, 0f, m, 2));
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, cuda.out()));
    }

    /** cublasSetStream "unconditionally resets the cuBLAS library workspace back to the default workspace pool". */
    @Test
    void settingTheStreamForgetsAWorkspaceSetBeforeIt() {
        MemorySegment handle = createHandle();
        MemorySegment stream = cuda.stream();
        setWorkspace(handle);
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasSetStream_v2", handle, stream));
        long m = cuda.alloc(64);
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        assertEquals(CUBLAS_STATUS_ALLOC_FAILED, sgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, 1f, m, 2, m, 2, 0f, m, 2),
                "back on the default pool, the first GEMM allocates it");
        assertEquals(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.call("cuStreamEndCapture", stream, cuda.out()));
    }

    private void setWorkspace(MemorySegment handle) {
        long workspace = cuda.alloc(4 << 20);
        assertEquals(CUBLAS_STATUS_SUCCESS, cuda.call(cublas, "cublasSetWorkspace_v2", handle,
                MemorySegment.ofAddress(workspace), 4L << 20));
    }

    @Test
    void namesItsStatuses() {
        try {
            var name = Linker.nativeLinker().downcallHandle(cublas.findOrThrow("cublasGetStatusName"),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MemorySegment text = (MemorySegment) name.invokeExact(CUBLAS_STATUS_INVALID_VALUE);
            assertEquals("CUBLAS_STATUS_INVALID_VALUE", text.reinterpret(64).getString(0));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
