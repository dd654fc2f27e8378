package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batches of any size, split internally into the checkpoint's batches of 16: a row's result does
 * not depend on how many rows come with it, up to float rounding (a GEMM of another row count may
 * round a row differently: the tolerance is atol + |ref| * rtol).
 */
class VaeModelBatchTest {
    private static final double ATOL = 1e-6, RTOL = 1e-5;
    private static VaeModel model;
    private static float[][] images;

    @BeforeAll
    static void load() {
        model = VaeModel.load(TrainedCheckpoint.file(), Device.CPU);
        images = TrainedCheckpoint.testImages();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void encodeDecodeAndReconstructGiveEachRowWhateverTheSplit() {
        Encoding whole = model.encode(images);
        float[][] reconstructed = model.reconstruct(images);
        float[][] decoded = model.decode(whole.mean(), Output.LOGITS);
        // parts of 1, 7, 16 (one batch) and 16 rows: smaller than, as large as, and across the batches of 16
        int[] bounds = {0, 1, 8, 24, TrainedCheckpoint.TEST_IMAGES};
        for (int p = 0; p + 1 < bounds.length; p++) {
            float[][] part = Arrays.copyOfRange(images, bounds[p], bounds[p + 1]);
            Encoding encoded = model.encode(part);
            float[][] partReconstructed = model.reconstruct(part);
            float[][] partDecoded = model.decode(encoded.mean(), Output.LOGITS);
            for (int r = 0; r < part.length; r++) {
                int i = bounds[p] + r;
                assertClose(whole.mean()[i], encoded.mean()[r], "mean of image " + i);
                assertClose(whole.logVariance()[i], encoded.logVariance()[r], "log-variance of image " + i);
                assertClose(reconstructed[i], partReconstructed[r], "reconstruction of image " + i);
                assertClose(decoded[i], partDecoded[r], "decoding of image " + i);
            }
        }
    }

    @Test
    void theFirstSamplesDoNotDependOnHowManyAreDrawn() {
        float[][] many = model.sample(40, 9);
        float[][] few = model.sample(3, 9);
        for (int i = 0; i < few.length; i++) {
            assertClose(many[i], few[i], "sample " + i);
        }
    }

    @Test
    void anImagesScoreDependsOnItsPositionNotOnTheRowsAfterIt() {
        Scores all = model.score(images, 5, 3);
        for (int n : new int[] {1, 16, 17}) {
            Scores first = model.score(Arrays.copyOf(images, n), 5, 3);
            for (int i = 0; i < n; i++) {
                assertClose(all.negativeElbo()[i], first.negativeElbo()[i], "negative ELBO of image " + i + " of " + n);
                assertClose(all.negativeLogLikelihood()[i], first.negativeLogLikelihood()[i],
                        "-log p(x) of image " + i + " of " + n);
            }
        }
    }

    @Test
    void noRowsGiveNoResults() {
        assertEquals(0, model.encode(new float[0][]).mean().length);
        assertEquals(0, model.decode(new float[0][], Output.PROBABILITIES).length);
        assertEquals(0, model.reconstruct(new float[0][]).length);
        assertEquals(0, model.sample(0, 1).length);
        assertEquals(0, model.score(new float[0][], 4, 1).negativeLogLikelihood().length);
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], what + ", value " + i);
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, ATOL + Math.abs(expected) * RTOL, what);
    }
}
