package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.LossKind;
import org.junit.jupiter.api.Test;

class ElboTermsTest {
    @Test
    void bceIsTheBernoulliNegativeLogLikelihood() {
        float[] logits = {0f, 2f, -3f, 40f}, x = {1f, 0f, 0f, 1f};
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            double p = 1 / (1 + Math.exp(-logits[i]));
            expected -= x[i] == 1f ? Math.log(p) : Math.log1p(-p);
        }
        assertEquals(expected, ElboTerms.reconstruction(LossKind.BCE, logits, 0, x, 0, 4), 1e-12);
        // a confident wrong logit costs |logit| nats, not infinity
        assertEquals(100.0, ElboTerms.reconstruction(LossKind.BCE, new float[] {100f}, 0, new float[] {0f}, 0, 1), 1e-9);
    }

    /** Over many pixels (several runs of the product of 1 + exp(-|l|)): the pixel-by-pixel softplus sum, relative 1e-12. */
    @Test
    void bceOfManyPixelsIsTheSumOfItsSoftplusTerms() {
        long seed = new java.util.SplittableRandom().nextLong();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int pixels = 1 + random.nextInt(3000);
        float[] logits = new float[pixels], x = new float[pixels];
        double expected = 0;
        for (int i = 0; i < pixels; i++) {
            logits[i] = (float) random.nextDouble(-60, 60);
            x[i] = random.nextBoolean() ? 1f : 0f;
            double l = logits[i];
            expected += Math.max(l, 0) - l * x[i] + Math.log1p(Math.exp(-Math.abs(l)));
        }
        assertEquals(expected, ElboTerms.reconstruction(LossKind.BCE, logits, 0, x, 0, pixels), 1e-12 * expected,
                pixels + " pixels (seed " + seed + ")");
    }

    @Test
    void mseIsTheSquaredErrorOfTheMeanImage() {
        float[] logits = {0f, 1f}, x = {1f, 0.25f};
        double p1 = 1 / (1 + Math.exp(-1));
        assertEquals(0.25 + (p1 - 0.25) * (p1 - 0.25), ElboTerms.reconstruction(LossKind.MSE, logits, 0, x, 0, 2), 1e-12);
    }

    @Test
    void klInClosedForm() {
        // mu (1, 0), logvar (0, log 2): 0.5 * (1 + 0 + 0 - 0) + 0.5 * (2 - 1 - log 2)
        float[] meanLogvar = {1f, 0f, 0f, (float) Math.log(2)};
        assertEquals(0.5 + 0.5 * (1 - Math.log(2)), ElboTerms.klToStandardNormal(meanLogvar, 0, 2), 1e-7);
        assertEquals(0.0, ElboTerms.klToStandardNormal(new float[4], 0, 2), 0.0);
    }

    @Test
    void logPriorOverPosteriorOfGaussians() {
        // latent 1: mu 0.5, logvar log 4 (sigma 2), eps 0.75 -> z = 2
        float[] meanLogvar = {0.5f, (float) Math.log(4)}, eps = {0.75f}, z = {2f};
        double logPrior = -0.5 * 4 - 0.5 * Math.log(2 * Math.PI);
        double logPosterior = -0.5 * 0.75 * 0.75 - Math.log(2) - 0.5 * Math.log(2 * Math.PI);
        assertEquals(logPrior - logPosterior, ElboTerms.logPriorOverPosterior(z, 0, eps, 0, meanLogvar, 0, 1), 1e-7);
    }

    private static double logMeanExp(double... values) {
        LogMeanExp mean = new LogMeanExp();
        for (double value : values) {
            mean.add(value);
        }
        return mean.value();
    }

    @Test
    void logMeanExpIsStableInAnyOrder() {
        assertEquals(-1000.0, logMeanExp(-1000, -1000), 1e-12);
        assertEquals(1000.0 + Math.log(0.5 * (1 + Math.exp(-1))), logMeanExp(1000, 999), 1e-9);
        assertEquals(1000.0 + Math.log(0.5 * (1 + Math.exp(-1))), logMeanExp(999, 1000), 1e-9);
        assertEquals(Math.log((Math.exp(1) + Math.exp(2) + Math.exp(3)) / 3), logMeanExp(2, 1, 3), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, logMeanExp(Double.NEGATIVE_INFINITY));
    }
}
