package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.selftest.BackendPair;
import dev.vaecuda.selftest.TrainingStepCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three whole training steps on the emulated device against the CPU backend, step by step:
 * same seed, same eps, so loss, gradients and parameters agree within TrainingStepCheck's
 * stated tolerances after every step.
 */
class EmulatedTrainingTest {
    @Test
    void threeStepsMatchTheCpuBackend() {
        try (BackendPair pair = EmulatedPair.open()) {
            TrainingStepCheck.run(pair, new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f), 64, 3);
        }
    }

    @Test
    void twoHiddenLayersMseAndAnOddBatch() {
        try (BackendPair pair = EmulatedPair.open()) {
            TrainingStepCheck.run(pair, new ModelConfig(7, 9, List.of(50, 30), 3, LossKind.MSE, 0.5f), 37, 3);
        }
    }

    @Test
    void tanhHiddenLayers() {
        try (BackendPair pair = EmulatedPair.open()) {
            TrainingStepCheck.run(pair, new ModelConfig(7, 9, List.of(50, 30), 3, LossKind.BCE, 1f, Activation.TANH), 37, 3);
        }
    }
}
