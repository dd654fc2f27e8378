package dev.vaecuda.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.model.Adam;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.Vae;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.LearningRateSchedule;
import dev.vaecuda.train.RunConfig;
import dev.vaecuda.train.TrainingOptions;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StartingPointTest {
    private static final ModelConfig MODEL = new ModelConfig(6, 5, List.of(7), 3, LossKind.BCE, 1f, Activation.TANH);

    @Test
    void aCheckpointStartsFromItsParametersAndMomentsAtItsStep() {
        SplittableRandom random = new SplittableRandom();
        Checkpoint checkpoint = checkpoint(random, 1 + random.nextInt(40));
        StartingPoint start = StartingPoint.of(checkpoint);
        try (Backend backend = new CpuBackend(1)) {
            Vae vae = new Vae(backend, start.config(), 4);
            start.initialize(backend, vae);
            assertArrayEquals(checkpoint.parameters(), backend.download(vae.parameters()), "parameters");
            assertArrayEquals(checkpoint.firstMoment(), backend.download(vae.adam().firstMoment()), "first moments");
            assertArrayEquals(checkpoint.secondMoment(), backend.download(vae.adam().secondMoment()), "second moments");
        }
        assertEquals(checkpoint.step(), start.step());
        assertEquals(1e-4f, start.adamEpsilon());
        assertTrue(start.binarize());
    }

    /** The rate of the epoch the checkpoint continues with: IWAE's stage 1 is epochs 2 to 4; a finished run keeps the last. */
    @Test
    void trainsAtTheLearningRateOfTheEpochItContinues() {
        SplittableRandom random = new SplittableRandom();
        assertEquals(rateOfStage(0), StartingPoint.of(checkpoint(random, 0)).learningRate());
        assertEquals(rateOfStage(1), StartingPoint.of(checkpoint(random, 1)).learningRate());
        assertEquals(rateOfStage(1), StartingPoint.of(checkpoint(random, 3)).learningRate());
        assertEquals(rateOfStage(2), StartingPoint.of(checkpoint(random, 4)).learningRate());
        assertEquals(rateOfStage(7), StartingPoint.of(checkpoint(random, LearningRateSchedule.IWAE_EPOCHS)).learningRate());
    }

    /** --lr 1e-3 * 10^(-i/7). */
    private static float rateOfStage(int i) {
        return (float) (1e-3f * Math.pow(10, -i / 7.0));
    }

    @Test
    void aFreshModelStartsFromPyTorchsInitialisationWithZeroMoments() {
        StartingPoint start = StartingPoint.fresh(MODEL);
        try (Backend backend = new CpuBackend(1)) {
            Vae vae = new Vae(backend, MODEL, 4), reference = new Vae(backend, MODEL, 4);
            backend.upload(new float[vae.parameterCount()], vae.parameters());
            start.initialize(backend, vae);
            reference.initialize(Initialization.PYTORCH, 1);
            assertArrayEquals(backend.download(reference.parameters()), backend.download(vae.parameters()));
            assertArrayEquals(new float[vae.parameterCount()], backend.download(vae.adam().firstMoment()));
        }
        assertEquals(0, start.step());
        assertEquals(1e-3f, start.learningRate());
        assertEquals(Adam.EPSILON, start.adamEpsilon());
        assertFalse(start.binarize());
    }

    private static Checkpoint checkpoint(SplittableRandom random, int epochsCompleted) {
        TrainingOptions training = new TrainingOptions(1e-3f, 4, LearningRateSchedule.IWAE_EPOCHS, 1, 0, true,
                Initialization.GLOROT, 1e-4f, LearningRateSchedule.IWAE);
        int n = Math.toIntExact(MODEL.parameterCount());
        return new Checkpoint(new RunConfig("mnist", MODEL, training), null, 15L * epochsCompleted + random.nextInt(15),
                epochsCompleted, 0, 0, randomFloats(random, n), randomFloats(random, n), randomFloats(random, n));
    }

    private static float[] randomFloats(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextDouble();
        }
        return values;
    }

}
