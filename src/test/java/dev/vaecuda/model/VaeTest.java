package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the model exposes beside its maths: the hidden activations the step check compares, a conv
 * decoder's output bias, sampling and decoding apart from the training pass, its limits, its counters.
 */
class VaeTest {
    private static final ModelConfig CONFIG = new ModelConfig(3, 4, List.of(6, 5), 2, LossKind.BCE, 1f);
    private static final ModelConfig CONV = new ModelConfig(4, 8, List.of(5), 2, LossKind.BCE, 1f,
            Activation.RELU, Architecture.CONV, List.of(3, 5));

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

    /** One output channel, one bias: the logit of the mean of every pixel's mean. */
    @Test
    void aConvDecodersOutputBiasIsTheLogitOfTheMeanOfItsChannel() {
        try (CpuBackend backend = new CpuBackend(1)) {
            Vae vae = new Vae(backend, CONV, 1);
            SplittableRandom random = new SplittableRandom();
            vae.initialize(Initialization.PYTORCH, random.nextLong());
            float[] before = backend.download(vae.parameters());
            float[] means = new float[CONV.pixels()];
            double sum = 0;
            for (int i = 0; i < means.length; i++) {
                means[i] = (float) random.nextDouble();
                sum += means[i];
            }
            vae.setOutputBiasToLogitsOf(means);
            float[] after = backend.download(vae.parameters());
            double mean = sum / means.length;
            int last = after.length - 1;
            // the last transposed convolution's bias ends the parameter vector
            assertEquals(Math.log(mean / (1 - mean)), after[last], 1e-5);
            assertArrayEquals(Arrays.copyOf(before, last), Arrays.copyOf(after, last), "every other parameter");
        }
    }

    /** encode, sampleLatent and decode of the step's counter give the forward pass's eps, z and logits exactly. */
    @ParameterizedTest
    @MethodSource("models")
    void decodingTheSampledLatentGivesTheForwardPassLogits(ModelConfig config) {
        int rows = 3;
        try (CpuBackend backend = new CpuBackend(1)) {
            Vae vae = new Vae(backend, config, rows + 1);
            SplittableRandom random = new SplittableRandom();
            vae.initialize(Initialization.PYTORCH, random.nextLong());
            float[] x = new float[rows * config.pixels()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble();
            }
            backend.upload(x, vae.input());
            long seed = random.nextLong(), step = 1 + random.nextInt(1000);
            DeviceStepState state = backend.allocateStepState();
            backend.setStepState(state, step - 1, 0);
            vae.forward(rows, seed, RngStreams.TRAIN_EPS, state);
            float[][] forward = firstRows(backend, rows, vae.noise(), vae.latent(), vae.logits());
            vae.encode(rows);
            vae.sampleLatent(rows, seed, RngStreams.TRAIN_EPS, step);
            vae.decode(rows);
            float[][] sampled = firstRows(backend, rows, vae.noise(), vae.latent(), vae.logits());
            String[] names = {"eps", "z", "logits"};
            for (int i = 0; i < names.length; i++) {
                assertArrayEquals(forward[i], sampled[i], names[i]);
            }
        }
    }

    static Stream<ModelConfig> models() {
        return Stream.of(CONFIG, CONV);
    }

    /** The first rows of each (capacity, width) buffer. */
    private static float[][] firstRows(CpuBackend backend, int rows, DeviceBuffer... buffers) {
        return Stream.of(buffers).map(b -> {
            float[] values = backend.download(b);
            return Arrays.copyOf(values, values.length / (rows + 1) * rows);
        }).toArray(float[][]::new);
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
