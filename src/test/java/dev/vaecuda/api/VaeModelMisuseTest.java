package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** Misuse gives a {@link VaeModelException} with a one-line message naming what and where. */
class VaeModelMisuseTest {
    @TempDir
    Path dir;

    private static VaeModel model;

    @BeforeAll
    static void load() {
        model = VaeModel.load(TrainedCheckpoint.file(), Device.CPU);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void aMissingCheckpointIsNamed() {
        Path missing = dir.resolve("nothing.vae");
        assertMessage(() -> VaeModel.load(missing, Device.CPU), missing + ": no such checkpoint file");
    }

    @Test
    void aDamagedCheckpointIsNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(TrainedCheckpoint.file());
        Path cut = dir.resolve("cut.vae");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        assertMessage(() -> VaeModel.load(cut, Device.CPU), cut + ": truncated: ");
        Path other = dir.resolve("other.vae");
        Files.writeString(other, "not a checkpoint");
        assertMessage(() -> VaeModel.load(other), other + ": not a vae-cuda checkpoint");
    }

    @Test
    void aWrongWidthNamesTheRowAndBothWidths() {
        float[][] images = TrainedCheckpoint.testImages();
        images[3] = new float[780];
        assertMessage(() -> model.score(images, 1, 1), "images row 3 has 780 values, expected 784 (1x28x28)");
        assertMessage(() -> model.decode(new float[][] {{0, 0, 0}, {0, 0}}, Output.LOGITS),
                "latents row 1 has 2 values, expected 3 (the latent size)");
        assertMessage(() -> model.encode(new float[][] {null}), "images row 0 is null");
        assertMessage(() -> model.reconstruct(null), "images is null");
    }

    @Test
    void nanAndOutOfRangeValuesNameTheirRowAndColumn() {
        float[][] images = TrainedCheckpoint.testImages();
        images[2][17] = Float.NaN;
        assertMessage(() -> model.encode(images), "images row 2, column 17 is NaN: intensities must be in [0, 1]");
        images[2][17] = 1.5f;
        assertMessage(() -> model.reconstruct(images), "images row 2, column 17 is 1.5: intensities must be in [0, 1]");
        images[2][17] = -0.25f;
        assertMessage(() -> model.score(images, 1, 1), "images row 2, column 17 is -0.25");
        assertMessage(() -> model.decode(new float[][] {{0, Float.POSITIVE_INFINITY, 0}}, Output.PROBABILITIES),
                "latents row 0, column 1 is Infinity: values must be finite");
    }

    @Test
    void countsOutOfRangeAreRefused() {
        assertMessage(() -> model.score(TrainedCheckpoint.testImages(), 0, 1), "importance samples must be 1..");
        assertMessage(() -> model.sample(-1, 1), "n must be 0 or more, got -1");
    }

    @Test
    void everyCallOnAClosedModelSaysSo() {
        VaeModel closed = VaeModel.load(TrainedCheckpoint.file(), Device.CPU);
        closed.close();
        closed.close();
        float[][] images = TrainedCheckpoint.testImages();
        for (Executable call : new Executable[] {() -> closed.encode(images), () -> closed.reconstruct(images),
                () -> closed.decode(new float[][] {{0, 0, 0}}, Output.LOGITS), () -> closed.sample(1, 1),
                () -> closed.score(images, 1, 1)}) {
            assertMessage(call, "the model is closed");
        }
        assertEquals(784, closed.shape().pixels(), "its shape is still known");
    }

    private static void assertMessage(Executable call, String expected) {
        VaeModelException e = assertThrows(VaeModelException.class, call);
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in \"" + e.getMessage() + "\"");
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
