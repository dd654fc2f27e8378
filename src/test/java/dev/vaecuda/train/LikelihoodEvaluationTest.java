package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.DataFingerprint;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.Vae;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LikelihoodEvaluationTest {
    private static final ImageSet TRAIN = SyntheticDigits.generate(400, 12, 12, 1);
    private static final ImageSet TEST = SyntheticDigits.generate(150, 12, 12, 2);

    @TempDir
    Path out;

    /** Trains 3 epochs and returns the checkpoint; the test loss training reported is the last row of metrics.csv. */
    private Checkpoint train(LossKind loss, float beta, boolean binarize) {
        ModelConfig model = new ModelConfig(12, 12, List.of(48), 3, loss, beta);
        RunConfig config = new RunConfig("mnist", model, new TrainingOptions(3e-3f, 32, 3, 7, 0, binarize));
        try (CpuBackend backend = new CpuBackend(2)) {
            new TrainingSession(config, RunIdentity.start(DataFingerprint.of(TRAIN, TEST)), out, null, true).run(backend, TRAIN, TEST, new PrintWriter(new StringWriter()), (e, b, n) -> { },
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
     * negative ELBO. Importance weighting tightens the bound: with K = 32 the estimate of -log p(x)
     * lies below the negative ELBO on average (the margin of 0.2% of the loss allows for the
     * estimate's noise), but not by more than 5% (on these models the gap is 2-3% of the loss;
     * a wrong importance weight shows as a far larger one).
     */
    @ParameterizedTest
    @CsvSource({"BCE, 1, false", "BCE, 1, true", "MSE, 1, false", "BCE, 0.5, false"})
    void kOneIsTheElboAndMoreSamplesTightenIt(LossKind loss, float beta, boolean binarize) {
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
        double elbo = many.meanNegativeElbo(), iwae = many.meanNegativeLogLikelihood();
        assertTrue(iwae <= elbo + 0.002 * elbo, "-log p(x) estimate " + iwae + " above the negative ELBO " + elbo);
        assertTrue(iwae >= 0.95 * elbo, "-log p(x) estimate " + iwae + " implausibly far below the negative ELBO " + elbo);
    }
}
