package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.DataFingerprint;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.backend.Philox;
import dev.vaecuda.model.DoubleVae;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LikelihoodEvaluationTest {
    private static final ImageSet TRAIN = SyntheticDigits.generate(400, 12, 12, 1);
    private static final ImageSet TEST = SyntheticDigits.generate(150, 12, 12, 2);

    /** Float logits on the backend against double here: measured at most 1.9e-7 relative (26x). */
    private static final double RECOMPUTED = 5e-6;
    /** Measured falls: 2.0% and 4.2% of the negative ELBO from K = 1 to 8, 0.23% and 0.27% from 8 to 32 (4.6x). */
    private static final double FALL = 5e-4;

    @TempDir
    Path out;

    /** Trains 3 epochs and returns the checkpoint; the test loss training reported is the last row of metrics.csv. */
    private Checkpoint train(LossKind loss, float beta, boolean binarize) {
        ModelConfig model = new ModelConfig(12, 12, List.of(48), 3, loss, beta);
        RunConfig config = new RunConfig("mnist", model, new TrainingOptions(3e-3f, 32, 3, 7, 0, binarize));
        try (CpuBackend backend = new CpuBackend(2)) {
            new TrainingSession(config, RunIdentity.start(DataFingerprint.of(TRAIN, TEST)), "synthetic", out, null, true, 1).run(backend, TRAIN, TEST, new PrintWriter(new StringWriter()), (e, b, n) -> { },
                    new StopRequest());
        }
        return CheckpointFile.read(out.resolve(TrainingSession.CHECKPOINT));
    }

    private static LikelihoodEvaluation.Result evaluate(Checkpoint checkpoint, int samples) {
        return evaluate(checkpoint, samples, LikelihoodEvaluation.DEFAULT_ROWS_PER_PASS);
    }

    private static LikelihoodEvaluation.Result evaluate(Checkpoint checkpoint, int samples, int rowsPerPass) {
        try (CpuBackend backend = new CpuBackend(2)) {
            Vae vae = checkpoint.restoreVae(backend);
            TrainingOptions training = checkpoint.config().training();
            return new LikelihoodEvaluation(backend, vae, rowsPerPass).run(TEST, samples, training.binarize(),
                    training.seed(), checkpoint.epochsCompleted());
        }
    }

    /**
     * Each (image, sample) pair draws its own eps, so passes of 7 pairs (a pass ends inside an image's
     * samples) and of 1000 (many images in a pass) decode the same z: the same estimate, up to the
     * GEMMs' rounding on different shapes (relative 1e-6). Active units are counted from the
     * posterior means' variances, at most the latent size.
     */
    @Test
    void theEstimateDoesNotDependOnHowSamplesAreBatched() {
        Checkpoint checkpoint = train(LossKind.BCE, 1f, true);
        LikelihoodEvaluation.Result narrow = evaluate(checkpoint, 10, 7), wide = evaluate(checkpoint, 10, 1000);
        for (int i = 0; i < TEST.count(); i++) {
            assertEquals(wide.negativeLogLikelihood()[i], narrow.negativeLogLikelihood()[i],
                    1e-6 * wide.negativeLogLikelihood()[i], "image " + i);
        }
        assertEquals(3, wide.unitVariances().length);
        assertTrue(wide.activeUnits() >= 0 && wide.activeUnits() <= 3);
        assertArrayEquals(wide.unitVariances(), narrow.unitVariances());
    }

    /**
     * The host's per-image terms add up to the backend's fused loss (same eps, same binarisation):
     * relative 1e-5, the float sum over batches on the backend against a double sum. K = 1 gives the
     * negative ELBO. Sample 0 is the same draw whatever K (the importance weights are checked by
     * the recomputation below).
     */
    @ParameterizedTest
    @CsvSource({"BCE, 1, false", "BCE, 1, true", "MSE, 1, false", "BCE, 0.5, false"})
    void kOneIsTheElboWhatTrainingReported(LossKind loss, float beta, boolean binarize) {
        Checkpoint checkpoint = train(loss, beta, binarize);
        List<EpochResult> metrics = MetricsCsv.read(out.resolve(TrainingSession.METRICS));
        double reported = metrics.getLast().testLoss();

        LikelihoodEvaluation.Result one = evaluate(checkpoint, 1);
        assertEquals(reported, one.meanLoss(), 1e-5 * reported, "eval's loss against training's test loss");
        assertEquals(150, one.loss().length);
        for (int i = 0; i < 150; i++) {
            assertEquals(one.negativeElbo()[i], one.negativeLogLikelihood()[i], 0.0, "K = 1 is the ELBO, image " + i);
        }
        if (beta == 1f) {
            assertEquals(one.meanLoss(), one.meanNegativeElbo(), 1e-9);
        } else {
            assertTrue(one.meanLoss() < one.meanNegativeElbo(), "beta < 1 weighs the KL term down");
        }

        LikelihoodEvaluation.Result many = evaluate(checkpoint, 32);
        assertEquals(one.meanLoss(), many.meanLoss(), 0.0, "sample 0 is the same draw whatever K");
    }

    /**
     * -log p(x) recomputed here in double precision, apart from the backend and from
     * {@link dev.vaecuda.model.ElboTerms}, from the same eps (Philox keyed as `eval` documents) and
     * the full Gaussian densities: eval's figure for every image within {@link #RECOMPUTED}
     * (relative) of it. On the trained model it lies below the negative ELBO and falls as K goes
     * 1 -> 8 -> 32, on average over images by more than {@link #FALL} of the negative ELBO each time.
     * The variance over the images of each unit's posterior mean, and so the active units, from the
     * same double-precision encoder: within {@link #RECOMPUTED} (relative) plus 1e-9.
     */
    @ParameterizedTest
    @CsvSource({"BCE, 1", "MSE, 0.5"})
    void importanceSampledLikelihoodMatchesADoublePrecisionRecomputation(LossKind loss, float beta) {
        Checkpoint checkpoint = train(loss, beta, false);
        ModelConfig model = checkpoint.config().model();
        TrainingOptions training = checkpoint.config().training();
        DoubleVae oracle = new DoubleVae(model);
        double[] p = DoubleVae.widened(checkpoint.parameters());
        int pixels = model.pixels(), latent = model.latent(), capacity = training.batchSize();
        double[] means = new double[3];
        double[][] mus = new double[TEST.count()][];
        int[] ks = {1, 8, 32};
        for (int s = 0; s < ks.length; s++) {
            int samples = ks[s];
            LikelihoodEvaluation.Result result = evaluate(checkpoint, samples);
            double worst = 0;
            for (int image = 0; image < TEST.count(); image++) {
                double[] x = new double[pixels];
                for (int i = 0; i < pixels; i++) {
                    x[i] = (TEST.pixels()[image * pixels + i] & 0xFF) * (1f / 255f);
                }
                double[] meanLogvar = oracle.encode(p, x);
                mus[image] = Arrays.copyOf(meanLogvar, latent);
                int batch = image / capacity, row = image % capacity;
                double[] logWeights = new double[samples];
                double negativeElbo = 0;
                float[] eps = new float[latent];
                for (int k = 0; k < samples; k++) {
                    // K = 1: training's eps for the image's batch row; K > 1: sample k of image i at counter i + 1
                    boolean elbo = samples == 1;
                    long counter = elbo ? RngStreams.evalCounter(checkpoint.epochsCompleted(), batch) : image + 1L;
                    Philox.normals(training.seed(), elbo ? RngStreams.EVAL_EPS : RngStreams.IMPORTANCE_EPS, counter,
                            elbo ? row * latent : k * latent, latent, eps, 0, new Philox.Blocks());
                    double[] z = new double[latent];
                    double logPrior = 0, logPosterior = 0;
                    for (int j = 0; j < latent; j++) {
                        double mu = meanLogvar[j], variance = Math.exp(meanLogvar[latent + j]);
                        z[j] = mu + Math.sqrt(variance) * eps[j];
                        logPrior += -0.5 * (Math.log(2 * Math.PI) + z[j] * z[j]);
                        logPosterior += -0.5 * (Math.log(2 * Math.PI * variance) + (z[j] - mu) * (z[j] - mu) / variance);
                    }
                    double reconstruction = oracle.reconstruction(oracle.decode(p, z), x);
                    logWeights[k] = -reconstruction + logPrior - logPosterior;
                    if (k == 0) {
                        negativeElbo = reconstruction + klToStandardNormal(meanLogvar, latent);
                    }
                }
                double max = Arrays.stream(logWeights).max().orElseThrow();
                // K = 1 is the negative ELBO with the KL term in closed form, as training computes it
                double expected = samples == 1 ? negativeElbo
                        : -(max + Math.log(Arrays.stream(logWeights).map(w -> Math.exp(w - max)).sum() / samples));
                double actual = result.negativeLogLikelihood()[image];
                worst = Math.max(worst, Math.abs(actual - expected) / Math.abs(expected));
            }
            assertTrue(worst <= RECOMPUTED, "K = " + samples + ": eval's -log p(x) " + worst
                    + " (relative) from the recomputation");
            assertUnitVariances(mus, result);
            means[s] = result.meanNegativeLogLikelihood();
            if (s > 0) {
                assertTrue(means[s] < means[s - 1] - FALL * means[0], "-log p(x) " + means[s] + " with K = " + samples
                        + ", " + means[s - 1] + " with K = " + ks[s - 1] + ": expected a fall of " + FALL * means[0]);
            }
        }
    }

    /**
     * Burda et al.'s threshold, Cov_x(E_q[u]) > 0.01, on variances a hair either side of it and on it:
     * another threshold, or >= for >, counts another number of units.
     */
    @Test
    void aUnitIsActiveWhenItsVarianceIsAbove0point01() {
        double[] variances = {0.0101, 0.0099, 0.01, 0.5, 0.0, Math.nextUp(0.01), Math.nextDown(0.01)};
        double[] perImage = {0};
        LikelihoodEvaluation.Result result = new LikelihoodEvaluation.Result(1, 784, perImage, perImage, perImage, variances);
        assertEquals(3, result.activeUnits(), "0.0101, 0.5 and the next double above 0.01, of " + Arrays.toString(variances));
    }

    /** nats / (C x H x W x ln 2): 784 ln 2 nats of a 1x28x28 image are 1 bit per dimension, 3x32x32 scales it. */
    @Test
    void bitsPerDimensionDivideNatsByTheDimensionsAndLn2() {
        double[] none = {0};
        assertEquals(1.0, new LikelihoodEvaluation.Result(1, 784, none, none, none, none).bitsPerDimension(784 * Math.log(2)),
                1e-12);
        assertEquals(2.0, new LikelihoodEvaluation.Result(1, 3 * 32 * 32, none, none, none, none)
                .bitsPerDimension(2 * 3072 * Math.log(2)), 1e-12);
    }

    /** Population variance over the images of each unit's mean, and the units above the 0.01 threshold. */
    private static void assertUnitVariances(double[][] mus, LikelihoodEvaluation.Result result) {
        int latent = mus[0].length, active = 0;
        for (int j = 0; j < latent; j++) {
            double mean = 0, variance = 0;
            for (double[] mu : mus) {
                mean += mu[j] / mus.length;
            }
            for (double[] mu : mus) {
                variance += (mu[j] - mean) * (mu[j] - mean) / mus.length;
            }
            assertEquals(variance, result.unitVariances()[j], RECOMPUTED * variance + 1e-9, "variance of unit " + j);
            active += variance > LikelihoodEvaluation.ACTIVE_UNIT_VARIANCE ? 1 : 0;
        }
        assertEquals(active, result.activeUnits(), "active units of " + Arrays.toString(result.unitVariances()));
    }

    private static double klToStandardNormal(double[] meanLogvar, int latent) {
        double kl = 0;
        for (int j = 0; j < latent; j++) {
            double mu = meanLogvar[j], logvar = meanLogvar[latent + j];
            kl += 0.5 * (mu * mu + Math.exp(logvar) - 1 - logvar);
        }
        return kl;
    }
}
