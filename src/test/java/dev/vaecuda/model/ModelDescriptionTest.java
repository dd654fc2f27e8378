package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelDescriptionTest {
    @Test
    void anMlpIsItsLayerSizes() {
        assertEquals("mlp 784-400-20 (relu)", ModelDescription.of(ModelConfig.pytorchExample()));
        assertEquals("mlp 600-200-100-50 (tanh)", ModelDescription.of(new ModelConfig(20, 30, List.of(200, 100), 50,
                LossKind.MSE, 1f, Activation.TANH)));
    }

    @Test
    void aConvModelIsTheMapsEachConvolutionLeavesThenTheDenseLayers() {
        assertEquals("conv 1x28x28 -> 32x14x14 -> 64x7x7 -> 20 latent (4x4 stride-2 convolutions, relu)",
                ModelDescription.of(new ModelConfig(28, 28, List.of(), 20, LossKind.BCE, 1f, Activation.RELU,
                        Architecture.CONV, List.of(32, 64))));
        assertEquals("conv 1x8x12 -> 3x4x6 -> 16 -> 2 latent (4x4 stride-2 convolutions, tanh)",
                ModelDescription.of(new ModelConfig(8, 12, List.of(16), 2, LossKind.BCE, 1f, Activation.TANH,
                        Architecture.CONV, List.of(3))));
    }
}
