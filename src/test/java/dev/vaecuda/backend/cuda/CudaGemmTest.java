package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.cuda.BackendPair.Twin;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The backend's gemm over the emulator's sgemm against the reference: cuBLAS's column-major semantics. */
class CudaGemmTest {

    /** (transA, transB, m, n, k): every transpose, degenerate and awkward sizes, the VAE's largest layer. */
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        int[][] sizes = {{1, 1, 1}, {1, 33, 7}, {33, 1, 7}, {5, 6, 1}, {400, 128, 784}, {784, 129, 400}};
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (int[] size : sizes) {
                    cases.add(Arguments.of(transA, transB, size[0], size[1], size[2]));
                }
            }
        }
        return cases.build();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheReference(boolean transA, boolean transB, int m, int n, int k) {
        try (BackendPair pair = new BackendPair(m * 7919L + n * 31L + k)) {
            // leading dimensions larger than the rows, as when a matrix is a block of a bigger one
            int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aRows + 3, ldb = bRows + 1, ldc = m + 2;
            Twin a = pair.uniform(lda * aCols, -1, 1), b = pair.uniform(ldb * bCols, -1, 1);
            Tolerance tolerance = new Tolerance(1e-6 * k, 1e-5);

            Twin c = pair.filled(ldc * n, Float.NaN);
            pair.cuda.gemm(transA, transB, m, n, k, 0.5f, a.cuda(), lda, b.cuda(), ldb, 0f, c.cuda(), ldc);
            pair.reference.gemm(transA, transB, m, n, k, 0.5f, a.reference(), lda, b.reference(), ldb, 0f,
                    c.reference(), ldc);
            // beta 0 overwrites: the NaNs in C are never read (and the rows past m stay NaN on both sides)
            pair.assertClose("C = 0.5 op(A) op(B) over NaN", c, tolerance);

            pair.cuda.gemm(transA, transB, m, n, k, -1f, a.cuda(), lda, b.cuda(), ldb, 1f, c.cuda(), ldc);
            pair.reference.gemm(transA, transB, m, n, k, -1f, a.reference(), lda, b.reference(), ldb, 1f,
                    c.reference(), ldc);
            pair.assertClose("C = -op(A) op(B) + C", c, tolerance);
        }
    }
}
