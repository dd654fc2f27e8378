package dev.vaecuda.backend.cpu.blas;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every native and Java sgemm against a double-precision reference, on fresh random inputs
 * (the seed is in any failure), for the three GEMMs {@code model.DenseLayer} issues, at the
 * model's shapes and at awkward ones, with operands at offsets inside larger arrays (as the
 * weights sit in the flat parameter vector) and with beta 0 (overwrite) and 1 (accumulate).
 */
class SgemmAgainstDoubleReferenceTest {
    private static final long SEED = System.nanoTime();

    /** One layer: in -> out features over a batch of rows. */
    record Layer(int in, int out, int rows) {
    }

    private static final List<Layer> LAYERS = List.of(new Layer(784, 400, 128), new Layer(400, 40, 128),
            new Layer(20, 400, 128), new Layer(400, 784, 128), new Layer(33, 17, 5), new Layer(1, 7, 3));

    static Stream<Blas> blases() {
        return Stream.of(Blases.get(BlasChoice.bundled), new JavaBlas("test"));
    }

    @ParameterizedTest
    @MethodSource("blases")
    void forwardIsTransposedWeightTimesInput(Blas blas) {
        for (Layer l : LAYERS) {
            // y (out x rows, col-major) = W^T x: W is (in x out) col-major, lda = in; x is (in x rows), ldb = in
            check(blas, "forward " + l, true, false, l.out(), l.rows(), l.in(), l.in(), l.in(), l.out());
        }
    }

    @ParameterizedTest
    @MethodSource("blases")
    void weightGradientIsInputTimesTransposedOutputGradient(Blas blas) {
        for (Layer l : LAYERS) {
            // dW (in x out) = x dy^T: x is (in x rows), lda = in; dy is (out x rows), ldb = out
            check(blas, "weight gradient " + l, false, true, l.in(), l.out(), l.rows(), l.in(), l.out(), l.in());
        }
    }

    @ParameterizedTest
    @MethodSource("blases")
    void inputGradientIsWeightTimesOutputGradient(Blas blas) {
        for (Layer l : LAYERS) {
            // dx (in x rows) = W dy: W is (in x out), lda = in; dy is (out x rows), ldb = out
            check(blas, "input gradient " + l, false, false, l.in(), l.rows(), l.out(), l.in(), l.out(), l.in());
        }
    }

    private static void check(Blas blas, String what, boolean transA, boolean transB, int m, int n, int k,
                              int lda, int ldb, int ldc) {
        SplittableRandom random = new SplittableRandom(SEED ^ what.hashCode());
        for (float beta : new float[] {0f, 1f}) {
            int aOffset = random.nextInt(50), bOffset = random.nextInt(50), cOffset = random.nextInt(50);
            float[] a = randoms(random, aOffset + lda * (transA ? m : k));
            float[] b = randoms(random, bOffset + ldb * (transB ? k : n));
            float[] c = randoms(random, cOffset + ldc * n + 13);
            float[] before = c.clone();
            float alpha = 0.75f;
            blas.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    double sum = 0, magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        double x = a[aOffset + (transA ? p + i * lda : i + p * lda)];
                        double y = b[bOffset + (transB ? j + p * ldb : p + j * ldb)];
                        sum += x * y;
                        magnitude += Math.abs(x * y);
                    }
                    int at = cOffset + i + j * ldc;
                    double expected = alpha * sum + beta * (double) before[at];
                    // float accumulation: error grows with k and the terms' magnitude
                    double tolerance = 1e-6 + 4e-7 * Math.sqrt(k) * (alpha * magnitude + Math.abs(before[at]));
                    if (Math.abs(c[at] - expected) > tolerance) {
                        fail(blas.description() + ", " + what + ", beta " + beta + ": C(" + i + ", " + j + ") = " + c[at]
                                + ", expected " + expected + " within " + tolerance + " (seed " + SEED + ")");
                    }
                }
            }
            for (int at = 0; at < c.length; at++) {
                boolean insideC = at >= cOffset && (at - cOffset) % ldc < m && (at - cOffset) / ldc < n;
                if (!insideC && c[at] != before[at]) {
                    fail(blas.description() + ", " + what + ": wrote outside C at " + at + " (seed " + SEED + ")");
                }
            }
        }
    }

    private static float[] randoms(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}
