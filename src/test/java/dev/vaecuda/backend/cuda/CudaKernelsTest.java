package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.selftest.BackendPair;
import dev.vaecuda.selftest.GemmPrecision;
import dev.vaecuda.selftest.KernelChecks;
import java.util.Random;
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

    /**
     * (rows, channels, spatial) of conv activations: ones everywhere, a channel's elements fewer and
     * more than a block's threads, more channels than the emulator's grid (16 blocks), odd sizes,
     * and the conv VAE's 32 maps of 7x7 over a batch.
     */
    static Stream<Arguments> channelShapes() {
        return Stream.of(Arguments.of(1, 1, 1), Arguments.of(1, 3, 1), Arguments.of(300, 2, 1),
                Arguments.of(5, 1, 49), Arguments.of(7, 33, 5), Arguments.of(2, 17, 257), Arguments.of(64, 32, 49));
    }

    @ParameterizedTest
    @MethodSource("channelShapes")
    void channelBiasAdd(int rows, int channels, int spatial) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.channelBiasAdd(pair, rows, channels, spatial);
        }
    }

    @ParameterizedTest
    @MethodSource("channelShapes")
    void channelActivationBackward(int rows, int channels, int spatial) {
        try (BackendPair pair = EmulatedPair.open()) {
            for (Activation activation : Activation.values()) {
                KernelChecks.channelActivationBackward(pair, rows, channels, spatial, activation);
            }
        }
    }

    /**
     * The bias gradient of each channel is summed in one fixed order: two launches on the same
     * inputs, whose blocks the emulator runs in two random orders, agree bit for bit.
     */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void channelActivationBackwardIsDeterministic(Activation activation) {
        int rows = 9, channels = 37, spatial = 61, n = rows * channels * spatial;
        Random random = new Random();
        float[] dy = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            dy[i] = random.nextFloat() * 2 - 1;
            y[i] = random.nextFloat() * 2 - 1;
        }
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            DeviceBuffer dyBuffer = backend.allocate(n), yBuffer = backend.allocate(n), dBias = backend.allocate(channels);
            backend.upload(y, yBuffer);
            float[][] gradients = new float[2][], sums = new float[2][];
            for (int run = 0; run < 2; run++) {
                backend.upload(dy, dyBuffer);
                backend.channelActivationBackward(dyBuffer, yBuffer, rows, channels, spatial, activation, dBias);
                gradients[run] = backend.download(dyBuffer);
                sums[run] = backend.download(dBias);
            }
            assertArrayEquals(gradients[0], gradients[1]);
            assertArrayEquals(sums[0], sums[1]);
        }
    }

    /** (shape, rows): a 1x1 image, kernels 1, 3 and 4, strides 1 to 3 (an input under 1 to 4 taps of a window row), padding 0 to 2. */
    static Stream<Arguments> convolutionShapes() {
        return Stream.of(Arguments.of(new ConvShape(1, 1, 1, 1, 1, 1, 0), 1), Arguments.of(new ConvShape(3, 5, 7, 5, 3, 1, 1), 2),
                Arguments.of(new ConvShape(3, 8, 5, 4, 1, 2, 0), 2), Arguments.of(new ConvShape(2, 11, 6, 3, 4, 3, 2), 3),
                Arguments.of(new ConvShape(32, 14, 14, 64, 4, 2, 1), 2));
    }

    /** The three convolution calls, with the depths of their dot products that KernelChecks derives. */
    @ParameterizedTest
    @MethodSource("convolutionShapes")
    void convolutions(ConvShape shape, int rows) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.convForward(pair, GemmPrecision.FP32, shape, rows);
            KernelChecks.convBackwardData(pair, GemmPrecision.FP32, shape, rows);
            KernelChecks.convBackwardFilter(pair, GemmPrecision.FP32, shape, rows);
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
