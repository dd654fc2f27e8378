package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.cpu.SlicedBuffers.Placed;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU backend's per-channel bias and activation, forward and backward, over (rows, channels,
 * spatial), against double-precision loops on fresh random inputs (the seed is in every
 * failure), every buffer a slice inside a larger one. Tolerances: one rounding of y + bias, and
 * the tanh's own 3.6e-7 (see BiasRows); three roundings of dy * (1 - y^2); for the bias gradient,
 * {@link RoundingBound}'s for a sum of rows * spatial of those. The bias gradients are summed per
 * channel in a fixed order, so the thread count changes no bit.
 */
class CpuChannelActivationTest {
    private static final double TANH_ERROR = 3.6e-7;

    private final SlicedBuffers data = new SlicedBuffers();

    /** (rows, channels, spatial): batch 1, a 1x1 map, odd counts, and the model's 32 x 14x14 maps, split over threads. */
    private List<int[]> sizes() {
        return List.of(new int[] {1, 1, 1}, new int[] {1, 3, 49}, new int[] {5, 7, 1}, new int[] {3, 5, 13},
                new int[] {64, 32, 196}, new int[] {1 + data.random.nextInt(9), 1 + data.random.nextInt(9),
                        1 + data.random.nextInt(50)});
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void biasAndActivation(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            for (int[] size : sizes()) {
                int rows = size[0], channels = size[1], spatial = size[2], n = rows * channels * spatial;
                float[] y = data.randoms(n, -4, 4), bias = data.randoms(channels, -1, 1);
                for (Activation activation : Activation.values()) {
                    double[] exact = new double[n], tolerance = new double[n];
                    for (int i = 0; i < n; i++) {
                        double v = (double) y[i] + bias[i / spatial % channels];
                        exact[i] = switch (activation) {
                            case IDENTITY -> v;
                            case RELU -> Math.max(v, 0);
                            case TANH -> Math.tanh(v);
                        };
                        tolerance[i] = RoundingBound.UNIT * Math.abs(v) + (activation == Activation.TANH ? TANH_ERROR : 0);
                    }
                    Placed out = data.place(backend, y);
                    backend.channelBiasAdd(out.slice(), data.put(backend, bias), rows, channels, spatial, activation);
                    String what = "channelBiasAdd " + activation + " " + rows + "x" + channels + "x" + spatial;
                    RoundingBound.check(exact, tolerance, data.download(backend, out, what), what, data.seed);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void activationGradientAndBiasGradient(int threads) {
        try (CpuBackend backend = new CpuBackend(threads); CpuBackend single = new CpuBackend(1)) {
            for (int[] size : sizes()) {
                int rows = size[0], channels = size[1], spatial = size[2], n = rows * channels * spatial;
                float[] dy = data.randoms(n, -1, 1), y = data.randoms(n, -1, 1);
                for (int i = 0; i < n; i += 5) {
                    y[i] = 0f;  // ReLU's output is often exactly 0: no gradient there
                }
                for (Activation activation : Activation.values()) {
                    double[] exact = new double[n], tolerance = new double[n], magnitude = new double[channels];
                    double[] sums = new double[channels];
                    for (int i = 0; i < n; i++) {
                        double scale = switch (activation) {
                            case IDENTITY -> 1;
                            case RELU -> y[i] > 0 ? 1 : 0;
                            case TANH -> 1 - (double) y[i] * y[i];
                        };
                        exact[i] = dy[i] * scale;
                        tolerance[i] = 3 * RoundingBound.UNIT * Math.abs(dy[i]) * (1 + (double) y[i] * y[i]);
                        sums[i / spatial % channels] += exact[i];
                        magnitude[i / spatial % channels] += Math.abs(dy[i]) * (1 + (double) y[i] * y[i]);
                    }
                    String what = "channelActivationBackward " + activation + " " + rows + "x" + channels + "x" + spatial;
                    List<float[]> got = backward(backend, dy, y, rows, channels, spatial, activation, what);
                    RoundingBound.check(exact, tolerance, got.get(0), what + " dy", data.seed);
                    new RoundingBound(sums, magnitude, rows * spatial, 3).check(got.get(1), what + " dBias", data.seed);
                    if (activation == Activation.IDENTITY) {
                        assertArrayEquals(dy, got.get(0), what + ": dy unchanged");
                    }
                    List<float[]> alone = backward(single, dy, y, rows, channels, spatial, activation, what);
                    for (int out = 0; out < 2; out++) {
                        assertArrayEquals(alone.get(out), got.get(out), what + ": the bits of 1 thread, output " + out
                                + ", seed " + data.seed);
                    }
                }
            }
        }
    }

    /** dy after the call, and dBias. */
    private List<float[]> backward(CpuBackend backend, float[] dy, float[] y, int rows, int channels, int spatial,
                                   Activation activation, String what) {
        Placed gradient = data.place(backend, dy), dBias = data.output(backend, channels);
        backend.channelActivationBackward(gradient.slice(), data.put(backend, y), rows, channels, spatial, activation,
                dBias.slice());
        return List.of(data.download(backend, gradient, what), data.download(backend, dBias, what));
    }
}
