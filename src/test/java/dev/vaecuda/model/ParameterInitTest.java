package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Glorot's bounds and zero biases, layer by layer in LayerSpec's layout; the output bias from pixel means. */
class ParameterInitTest {
    @Test
    void glorotWeightsAreWithinTheirLayersBoundsAndBiasesZero() {
        long seed = new SplittableRandom().nextLong();
        int[] sizes = {7, 5, 3};
        float[] params = ParameterInit.of(Initialization.GLOROT, seed,
                List.of(new LayerSpec.Dense(7, 5), new LayerSpec.Dense(5, 3)));
        int at = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l], out = sizes[l + 1];
            double bound = Math.sqrt(6.0 / (in + out)), largest = 0;
            for (int i = 0; i < in * out; i++, at++) {
                largest = Math.max(largest, Math.abs(params[at]));
            }
            assertTrue(largest <= bound && largest > bound / 2, "layer " + l + ": |w| up to " + largest
                    + ", bound " + bound + " (seed " + seed + ")");
            for (int i = 0; i < out; i++, at++) {
                assertEquals(0f, params[at], "bias of layer " + l);
            }
        }
        assertEquals(params.length, at);
    }

    @Test
    void outputBiasIsTheLogitOfTheClippedMeans() {
        float[] logits = ParameterInit.logitsOfMeans(new float[] {0f, 0.5f, 0.75f, 1f});
        double clipped = Math.log(0.001 / 0.999);
        assertEquals(clipped, logits[0], 1e-5);
        assertEquals(0, logits[1], 1e-7);
        assertEquals(Math.log(3), logits[2], 1e-6);
        assertEquals(-clipped, logits[3], 1e-5);
    }
}
