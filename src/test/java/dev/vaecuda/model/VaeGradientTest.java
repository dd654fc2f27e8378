package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.Philox;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model's analytic gradients (float, through the CPU backend) against central finite
 * differences of an independent double-precision forward pass ({@link DoubleVae}), for every
 * parameter, for each loss and each hidden activation: of an MLP with two hidden layers on 16
 * rows, and of conv VAEs on 4 rows (two convolutions with odd channel counts: 4x8 images down to
 * 1x2 maps with a hidden layer, 8x8 ones down to 2x2 maps without). Tolerance: |analytic -
 * numeric| <= 1e-5 + 1e-4 * |numeric|: the float rounding of the analytic side dominates,
 * measured at most 4.2e-7 over 12 000 parameters of three MLP runs (24x below the absolute term
 * alone), and at most 1.6e-6 over 19 500 parameters of three runs of the conv ones (6x below it).
 */
class VaeGradientTest {
    private static final int LATENT = 4;
    private static final float BETA = 0.7f;

    static Stream<Arguments> configs() {
        return Stream.of(LossKind.values()).flatMap(loss -> Stream.of(Activation.RELU, Activation.TANH)
                .flatMap(activation -> Stream.of(
                        argumentSet("mlp " + loss + " " + activation,
                                new ModelConfig(4, 5, List.of(24, 16), LATENT, loss, BETA, activation), 16),
                        argumentSet("conv 4x8 3,5 hidden 6 " + loss + " " + activation, new ModelConfig(4, 8,
                                List.of(6), LATENT, loss, BETA, activation, Architecture.CONV, List.of(3, 5)), 4),
                        argumentSet("conv 8x8 5,3 " + loss + " " + activation, new ModelConfig(8, 8,
                                List.of(), LATENT, loss, BETA, activation, Architecture.CONV, List.of(5, 3)), 4))));
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientsMatchCentralFiniteDifferences(ModelConfig config, int rows) {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        int pixels = config.pixels();
        float[] x = new float[rows * pixels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        long rngSeed = random.nextLong(), step = 1 + random.nextInt(1000);
        try (CpuBackend backend = new CpuBackend(2)) {
            Vae vae = new Vae(backend, config, rows);
            vae.initialize(Initialization.PYTORCH, random.nextLong());
            backend.upload(x, vae.input());
            vae.takeLossSum();
            DeviceStepState state = backend.allocateStepState();
            backend.setStepState(state, step - 1, 0);
            vae.forward(rows, rngSeed, RngStreams.TRAIN_EPS, state);
            vae.backward(rows);
            float[] params = new float[vae.parameterCount()], grads = new float[vae.parameterCount()];
            backend.download(vae.parameters(), params);
            backend.download(vae.gradients(), grads);
            double loss = vae.takeLossSum();

            float[] eps = new float[rows * LATENT];
            Philox.normals(rngSeed, RngStreams.TRAIN_EPS, step, 0, eps.length, eps, 0, new Philox.Blocks());
            DoubleVae reference = new DoubleVae(config);
            double[] p = DoubleVae.widened(params);
            assertEquals(reference.loss(p, x, eps, rows), loss, 1e-4 * Math.abs(loss), "loss (seed " + seed + ")");
            double h = 1e-6;
            for (int i = 0; i < p.length; i++) {
                double saved = p[i];
                p[i] = saved + h;
                double up = reference.loss(p, x, eps, rows);
                p[i] = saved - h;
                double down = reference.loss(p, x, eps, rows);
                p[i] = saved;
                double numeric = (up - down) / (2 * h);
                double tolerance = 1e-5 + 1e-4 * Math.abs(numeric);
                int at = i;
                assertTrue(Math.abs(grads[i] - numeric) <= tolerance, () -> "parameter " + at + ": analytic "
                        + grads[at] + ", numeric " + numeric + " (seed " + seed + ")");
            }
        }
    }
}
