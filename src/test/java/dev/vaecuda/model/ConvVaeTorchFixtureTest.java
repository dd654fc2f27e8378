package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A whole convolutional VAE against PyTorch's float64 autograd (see {@link TorchVaeCase}). */
class ConvVaeTorchFixtureTest {
    static List<TorchVaeCase> cases() {
        return TorchVaeCase.load();
    }

    /**
     * {@link DoubleVae}'s layers are torch's: its double-precision loss is torch's within 1e-12
     * (relative; measured 1.4e-16), so the finite differences of {@link VaeGradientTest} test the
     * same function on conv models.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void theDoublePrecisionOracleGivesTorchsLoss(TorchVaeCase c) {
        double[] p = new double[c.parameters().length];
        for (int i = 0; i < p.length; i++) {
            p[i] = c.parameters()[i];
        }
        double loss = new DoubleVae(c.config()).loss(p, c.x(), c.eps(), c.rows());
        assertEquals(c.loss(), loss, 1e-12 * Math.abs(c.loss()));
    }
}
