package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.DataFingerprint;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.Vae;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conv model of colour (3-channel) images on the CPU: it trains, its loss is summed over
 * C x H x W, its checkpoint keeps the channels, and eval's figures agree with training's.
 */
class ColourImagesTest {
    private static final int SIDE = 8, CHANNELS = 3, VALUES = CHANNELS * SIDE * SIDE;
    private static final ImageSet TRAIN = colour(256, 1), TEST = colour(64, 2);
    private static final ModelConfig MODEL = new ModelConfig(SIDE, SIDE, List.of(), 4, LossKind.BCE, 1f, Activation.RELU,
            Architecture.CONV, List.of(4, 8), CHANNELS);

    @TempDir
    Path dir;

    /** {@code count} colour images: three consecutive grey synthetic images are one image's red, green and blue planes. */
    private static ImageSet colour(int count, long seed) {
        ImageSet grey = SyntheticDigits.generate(CHANNELS * count, SIDE, SIDE, seed);
        return new ImageSet(grey.pixels(), count, SIDE, SIDE, Arrays.copyOf(grey.labels(), count), CHANNELS);
    }

    @Test
    void aColourModelTrainsAndItsCheckpointKeepsTheChannels() {
        RunConfig config = new RunConfig("cifar10", MODEL, new TrainingOptions(3e-3f, 32, 3, 5, 0, false));
        Checkpoint trained;
        double[] testLosses = new double[config.training().epochs() + 1];
        try (CpuBackend backend = new CpuBackend(2)) {
            Vae vae = new Vae(backend, MODEL, 32);
            vae.initialize(config.training().initialization(), config.training().seed());
            try (Trainer trainer = new Trainer(backend, vae, config.training(),
                    backend.uploadImages(TRAIN.pixels(), TRAIN.count(), TRAIN.pixelsPerImage()),
                    backend.uploadImages(TEST.pixels(), TEST.count(), TEST.pixelsPerImage()), true)) {
                testLosses[0] = trainer.evaluate(0);
                for (int epoch = 1; epoch < testLosses.length; epoch++) {
                    testLosses[epoch] = trainer.trainEpoch((e, b, n) -> { }, new StopRequest()).orElseThrow().testLoss();
                }
                trained = trainer.checkpoint(config, RunIdentity.start(DataFingerprint.of(TRAIN, TEST)));
            }
        }
        // logits near 0 at the start: about ln 2 per value, over all 3 x 8 x 8 of them
        assertEquals(VALUES * Math.log(2), testLosses[0], 0.2 * VALUES * Math.log(2), Arrays.toString(testLosses));
        for (int epoch = 1; epoch < testLosses.length; epoch++) {
            assertTrue(testLosses[epoch] < testLosses[epoch - 1], "test losses " + Arrays.toString(testLosses));
        }

        Path file = dir.resolve("colour.vae");
        CheckpointFile.write(file, trained);
        Checkpoint read = CheckpointFile.read(file);
        assertEquals(CHANNELS, read.config().model().imageChannels());
        assertEquals(trained.config(), read.config());
        assertArrayEquals(trained.parameters(), read.parameters());
        assertTrue(ConfigJson.toJson(read.config()).contains("\"imageChannels\": 3"), ConfigJson.toJson(read.config()));

        try (CpuBackend backend = new CpuBackend(2)) {
            LikelihoodEvaluation.Result result = new LikelihoodEvaluation(backend, read.restoreVae(backend))
                    .run(TEST, 1, false, 5, read.epochsCompleted());
            assertEquals(VALUES, result.dimensions());
            assertEquals(testLosses[3], result.meanLoss(), 1e-4 * testLosses[3], "eval repeats training's test loss");
            assertEquals(result.meanNegativeElbo() / (VALUES * Math.log(2)),
                    result.bitsPerDimension(result.meanNegativeElbo()), 1e-12);
        }
    }
}
