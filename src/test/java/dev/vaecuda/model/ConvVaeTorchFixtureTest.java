package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A whole convolutional VAE against PyTorch's float64 autograd (see {@link TorchVaeCase}): the
 * fixture's parameters loaded into our flat vector as they are (torch's layouts are ours), one
 * forward and backward pass on the CPU backend.
 *
 * <p>Tolerances. Our pass rounds to float (u = 6e-8) in sums of up to a few hundred terms (a
 * convolution's weight gradient sums rows x output positions, 3 x 96 for the last one), through
 * a chain of such sums: a random-walk estimate gives errors of sqrt(N) u ~ 1e-6 of the
 * magnitudes summed, which are those of the largest gradients of the same tensor. So each
 * gradient must be within {@link #RELATIVE} of itself plus {@link #OF_TENSOR_MAX} of the largest
 * magnitude in its weight or bias tensor; measured worst: 1.2e-6 of itself (the single output
 * bias of the BCE case, a sum of 288 per-pixel terms), 2.4e-7 of its tensor's largest elsewhere,
 * 40x and more inside. A wrong tap, layout or missing border term moves a gradient by 1/288 of
 * itself or more. The loss, a double sum of float terms: measured 1.8e-8 relative, held to 1e-6.
 */
class ConvVaeTorchFixtureTest {
    private static final double RELATIVE = 1e-4, OF_TENSOR_MAX = 1e-5, LOSS_RELATIVE = 1e-6;

    static List<TorchVaeCase> cases() {
        return TorchVaeCase.load();
    }

    /**
     * The batch's eps is the fixture's within a float ulp (measured: bit for bit), and the loss and
     * every gradient are torch's within the tolerances above.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void lossAndEveryGradientAreTorchs(TorchVaeCase c) {
        try (CpuBackend backend = new CpuBackend(2)) {
            // a spare row: only the batch's rows may count
            Vae vae = new Vae(backend, c.config(), c.rows() + 1);
            assertEquals(c.parameters().length, vae.parameterCount(), "parameters");
            backend.upload(c.parameters(), vae.parameters());
            backend.upload(c.x(), vae.input());
            DeviceStepState state = backend.allocateStepState();
            backend.setStepState(state, c.step() - 1, 0);
            vae.forward(c.rows(), c.seed(), c.stream(), state);
            vae.backward(c.rows());
            float[] eps = backend.download(vae.noise());
            for (int i = 0; i < c.eps().length; i++) {
                assertEquals(c.eps()[i], eps[i], Math.ulp(c.eps()[i]), "eps " + i);
            }
            assertEquals(c.loss(), vae.takeLossSum(), LOSS_RELATIVE * Math.abs(c.loss()), "loss");
            float[] grads = backend.download(vae.gradients());
            int at = 0;
            for (LayerSpec layer : Stream.concat(c.config().encoderLayers().stream(),
                    c.config().decoderLayers().stream()).toList()) {
                at = checkTensor(c, grads, at, Math.toIntExact(layer.weightCount()), layer + " weight");
                at = checkTensor(c, grads, at, layer.biasCount(), layer + " bias");
            }
        }
    }

    /** grads[from, from + length) against the fixture's; returns from + length. */
    private static int checkTensor(TorchVaeCase c, float[] grads, int from, int length, String tensor) {
        double largest = 0;
        for (int i = from; i < from + length; i++) {
            largest = Math.max(largest, Math.abs(c.gradients()[i]));
        }
        for (int i = from; i < from + length; i++) {
            double expected = c.gradients()[i];
            assertEquals(expected, grads[i], RELATIVE * Math.abs(expected) + OF_TENSOR_MAX * largest,
                    c + ", " + tensor + ", element " + (i - from) + " (parameter " + i + ")");
        }
        return from + length;
    }

    /**
     * {@link DoubleVae}'s layers are torch's: its double-precision loss is torch's within 1e-12
     * (relative; measured 1.4e-16), so the finite differences of {@link VaeGradientTest} test the
     * same function on conv models.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void theDoublePrecisionOracleGivesTorchsLoss(TorchVaeCase c) {
        double loss = new DoubleVae(c.config()).loss(DoubleVae.widened(c.parameters()), c.x(), c.eps(), c.rows());
        assertEquals(c.loss(), loss, 1e-12 * Math.abs(c.loss()));
    }
}
