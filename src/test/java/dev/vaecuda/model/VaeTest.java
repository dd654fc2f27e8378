package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What the model exposes beside its maths: the hidden activations the step check compares, its limits, its counters. */
class VaeTest {
    private static final ModelConfig CONFIG = new ModelConfig(3, 4, List.of(6, 5), 2, LossKind.BCE, 1f);

    @Test
    void hiddenActivationsAreEveryHiddenLayersReluOutputInOrder() {
        try (CpuBackend backend = new CpuBackend(1)) {
            Vae vae = new Vae(backend, CONFIG, 3);
            vae.initialize(Initialization.PYTORCH, new SplittableRandom().nextLong());
            float[] x = new float[3 * CONFIG.pixels()];
            SplittableRandom random = new SplittableRandom();
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble();
            }
            backend.upload(x, vae.input());
            DeviceStepState state = backend.allocateStepState();
            vae.forward(3, 1, RngStreams.TRAIN_EPS, state);
            List<DeviceBuffer> hidden = vae.hiddenActivations();
            int[] sizes = {6, 5, 5, 6};
            assertEquals(sizes.length, hidden.size(), "encoder's then decoder's hidden layers");
            for (int layer = 0; layer < sizes.length; layer++) {
                float[] values = new float[hidden.get(layer).length()];
                backend.download(hidden.get(layer), values);
                assertEquals(3 * sizes[layer], values.length, "layer " + layer);
                for (float value : values) {
                    assertTrue(value >= 0, "layer " + layer + " after ReLU: " + value);
                }
            }
        }
    }

    @Test
    void batchesOutsideOneToTheCapacityAreRefused() {
        try (CpuBackend backend = new CpuBackend(1)) {
            Vae vae = new Vae(backend, CONFIG, 3);
            DeviceStepState state = backend.allocateStepState();
            assertThrows(IllegalArgumentException.class, () -> vae.forward(4, 1, RngStreams.TRAIN_EPS, state));
            assertThrows(IllegalArgumentException.class, () -> vae.encode(0));
            assertThrows(IllegalArgumentException.class, () -> vae.sampleLatent(4, 1, RngStreams.EVAL_EPS, 1));
            assertThrows(IllegalArgumentException.class, () -> vae.decode(4));
            assertThrows(IllegalArgumentException.class, () -> new Vae(backend, CONFIG, 0));
        }
    }

    @Test
    void everyEvaluationBatchDrawsFromItsOwnCounter() {
        Set<Long> counters = new HashSet<>();
        for (int epoch = 0; epoch < 4; epoch++) {
            assertEquals(RngStreams.evalCounter(epoch, 0), RngStreams.evalStart(epoch) + 1, "epoch " + epoch);
            for (int batch = 0; batch < 4; batch++) {
                assertTrue(counters.add(RngStreams.evalCounter(epoch, batch)), "epoch " + epoch + ", batch " + batch);
            }
        }
    }
}
