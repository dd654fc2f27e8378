package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.LossKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer stacks each architecture makes, and the shapes a conv model refuses. */
class ModelConfigTest {
    private static ModelConfig conv(int height, int width, List<Integer> hidden, List<Integer> channels) {
        return new ModelConfig(height, width, hidden, 20, LossKind.BCE, 1f, Activation.RELU, Architecture.CONV, channels);
    }

    @Test
    void mlpStacksAreTheDenseChainsOfPyTorchsExample() {
        ModelConfig config = ModelConfig.pytorchExample();
        assertEquals(List.of(new LayerSpec.Dense(784, 400), new LayerSpec.Dense(400, 40)), config.encoderLayers());
        assertEquals(List.of(new LayerSpec.Dense(20, 400), new LayerSpec.Dense(400, 784)), config.decoderLayers());
        assertEquals(652_824, config.parameterCount());
    }

    @Test
    void convStacksHalveTheImageAndMirrorItWithTransposedConvolutions() {
        ModelConfig config = conv(28, 28, List.of(), List.of(32, 64));
        ConvShape first = new ConvShape(1, 28, 28, 32, 4, 2, 1), second = new ConvShape(32, 14, 14, 64, 4, 2, 1);
        assertEquals(List.of(new LayerSpec.Conv(first), new LayerSpec.Conv(second), new LayerSpec.Dense(64 * 7 * 7, 40)),
                config.encoderLayers());
        assertEquals(List.of(new LayerSpec.Dense(20, 64 * 7 * 7), new LayerSpec.ConvTranspose(second),
                new LayerSpec.ConvTranspose(first)), config.decoderLayers());
        // as torch counts the same nn.Conv2d / nn.Linear / nn.ConvTranspose2d modules
        long torchCount = (32 * 16 + 32) + (64 * 32 * 16 + 64) + (3136 * 40 + 40)
                + (20 * 3136 + 3136) + (64 * 32 * 16 + 32) + (32 * 16 + 1);
        assertEquals(torchCount, config.parameterCount());
        assertEquals(784, config.decoderLayers().getLast().outputSize());
    }

    @Test
    void convHiddenLayersSitBetweenTheFlattenedMapAndTheLatentSpace() {
        ModelConfig config = conv(8, 12, List.of(7), List.of(3));
        assertEquals(List.of(new LayerSpec.Dense(3 * 4 * 6, 7), new LayerSpec.Dense(7, 40)),
                config.encoderLayers().subList(1, 3));
        assertEquals(List.of(new LayerSpec.Dense(20, 7), new LayerSpec.Dense(7, 3 * 4 * 6)),
                config.decoderLayers().subList(0, 2));
    }

    @Test
    void transposedConvolutionsTakeTorchsFanInFromTheWeightsSecondDimension() {
        ConvShape shape = new ConvShape(3, 8, 8, 5, 4, 2, 1);
        assertEquals(3 * 16, new LayerSpec.Conv(shape).fanIn());
        assertEquals(3 * 16, new LayerSpec.ConvTranspose(shape).fanIn());
        assertEquals(5, new LayerSpec.Conv(shape).biasCount());
        assertEquals(3, new LayerSpec.ConvTranspose(shape).biasCount());
    }

    @Test
    void anImageThatDoesNotHalveAsOftenAsThereAreChannelsIsRefusedWithAFittingChoice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv(28, 28, List.of(), List.of(8, 16, 32)));
        assertEquals("a 28x28 image cannot be halved 3 times (one stride-2 convolution per --channels entry): its height"
                + " and width must be multiples of 8; --channels 8,16 would fit", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> conv(27, 28, List.of(), List.of(8)));
        assertTrue(e.getMessage().endsWith("no --channels fits; use --arch mlp"), e.getMessage());
    }

    @Test
    void anMlpTakesNoChannelsAndNeedsAHiddenLayer() {
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f,
                Activation.RELU, Architecture.MLP, List.of(32)));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(28, 28, List.of(), 20, LossKind.BCE, 1f));
        assertThrows(IllegalArgumentException.class, () -> conv(28, 28, List.of(), List.of()));
    }
}
