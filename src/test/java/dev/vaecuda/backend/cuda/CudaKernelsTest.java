package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.selftest.BackendPair;
import dev.vaecuda.selftest.KernelChecks;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each kernel through CudaBackend over the emulator against the CPU backend, with the checks
 * (and tolerances) of {@link KernelChecks}, on fresh random inputs of awkward sizes: one row,
 * sizes that are not multiples of the block size, and a batch large enough that every thread
 * of the grid-stride loops takes many turns.
 */
class CudaKernelsTest {

    /** (rows, cols): one row, one column, odd sizes, MNIST's 784 pixels, a large batch. */
    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(1, 784), Arguments.of(7, 33), Arguments.of(300, 1),
                Arguments.of(129, 400), Arguments.of(1000, 784));
    }

    /** (rows, latent) for the latent-space kernels. */
    static Stream<Arguments> latentShapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(1, 20), Arguments.of(3, 5), Arguments.of(128, 20),
                Arguments.of(1000, 33));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void biasAdd(int rows, int cols) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.biasAdd(pair, rows, cols);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void activationBackward(int rows, int cols) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.activationBackward(pair, rows, cols, Activation.RELU);
            KernelChecks.activationBackward(pair, rows, cols, Activation.TANH);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 255, 256, 257, 100_003})
    void sigmoid(int n) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.sigmoid(pair, n);
        }
    }

    @ParameterizedTest
    @MethodSource("latentShapes")
    void reparameterizeAndBackward(int rows, int latent) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.reparameterizeAndBackward(pair, rows, latent);
        }
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void lossAndGradients(LossKind kind) {
        int[][] shapes = {{1, 1, 1}, {1, 784, 20}, {7, 33, 5}, {128, 784, 20}, {1000, 784, 33}};
        for (int[] shape : shapes) {
            try (BackendPair pair = EmulatedPair.open()) {
                KernelChecks.lossAndGradients(pair, kind, shape[0], shape[1], shape[2]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 10, 10_000})
    void adam(long step) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.adam(pair, 100_003, step);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void gatherBatch(int rows, int pixels) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.gatherBatch(pair, rows, pixels);
        }
    }
}
