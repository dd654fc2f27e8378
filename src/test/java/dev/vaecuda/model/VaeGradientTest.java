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
 * parameter of a small VAE with two hidden layers, for each loss and each hidden activation. Tolerance: |analytic - numeric| <=
 * 2e-4 + 2e-3 * |numeric|, the float rounding of the analytic side dominating.
 */
class VaeGradientTest {
    private static final int HEIGHT = 3, WIDTH = 4, LATENT = 3, ROWS = 4;
    private static final List<Integer> HIDDEN = List.of(6, 5);
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
            Philox.normals(rngSeed, RngStreams.TRAIN_EPS, step, 0, eps.length, eps, 0, new int[4]);
            ReferenceVae reference = new ReferenceVae(config, x, eps, ROWS);
            double[] p = new double[params.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = params[i];
            }
            assertEquals(reference.loss(p), loss, 1e-4 * Math.abs(loss), "loss (seed " + seed + ")");
            double h = 1e-6;
            for (int i = 0; i < p.length; i++) {
                double saved = p[i];
                p[i] = saved + h;
                double up = reference.loss(p);
                p[i] = saved - h;
                double down = reference.loss(p);
                p[i] = saved;
                double numeric = (up - down) / (2 * h);
                double tolerance = 2e-4 + 2e-3 * Math.abs(numeric);
                int at = i;
                assertTrue(Math.abs(grads[i] - numeric) <= tolerance, () -> kind + " " + activation + " parameter " + at
                        + ": analytic " + grads[at] + ", numeric " + numeric + " (seed " + seed + ")");
            }
        }
    }

    /** The same VAE in plain double-precision loops, parameters in PyTorch's layout: W (out, in) then b. */
    private record ReferenceVae(ModelConfig config, float[] x, float[] eps, int rows) {

        double loss(double[] p) {
            int pixels = config.pixels(), latent = config.latent();
            int[] hidden = config.hidden().stream().mapToInt(Integer::intValue).toArray();
            int at = 0;
            double total = 0;
            // encoder then decoder sizes, as Vae documents
            int[] enc = new int[hidden.length + 2];
            enc[0] = pixels;
            System.arraycopy(hidden, 0, enc, 1, hidden.length);
            enc[enc.length - 1] = 2 * latent;
            int[] dec = new int[hidden.length + 2];
            dec[0] = latent;
            for (int i = 0; i < hidden.length; i++) {
                dec[i + 1] = hidden[hidden.length - 1 - i];
            }
            dec[dec.length - 1] = pixels;
            int decoderStart = 0;
            for (int i = 0; i + 1 < enc.length; i++) {
                decoderStart += enc[i] * enc[i + 1] + enc[i + 1];
            }
            for (int r = 0; r < rows; r++) {
                double[] a = new double[pixels];
                for (int i = 0; i < pixels; i++) {
                    a[i] = x[r * pixels + i];
                }
                double[] ml = chain(p, 0, enc, a);
                double[] z = new double[latent];
                double kl = 0;
                for (int j = 0; j < latent; j++) {
                    double mu = ml[j], lv = ml[latent + j];
                    z[j] = mu + Math.exp(0.5 * lv) * eps[r * latent + j];
                    kl += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
                }
                double[] logits = chain(p, decoderStart, dec, z);
                double recon = 0;
                for (int i = 0; i < pixels; i++) {
                    double t = x[r * pixels + i], q = 1 / (1 + Math.exp(-logits[i]));
                    recon += config.loss() == LossKind.BCE
                            ? -(t * Math.log(q) + (1 - t) * Math.log(1 - q))
                            : (q - t) * (q - t);
                }
                total += recon + config.beta() * kl;
            }
            return total;
        }

        /** Linear layers with the configuration's activation between them. */
        private double[] chain(double[] p, int offset, int[] sizes, double[] input) {
            double[] a = input;
            for (int l = 0; l + 1 < sizes.length; l++) {
                int in = sizes[l], out = sizes[l + 1];
                double[] y = new double[out];
                for (int o = 0; o < out; o++) {
                    double sum = p[offset + in * out + o];
                    for (int i = 0; i < in; i++) {
                        sum += p[offset + o * in + i] * a[i];
                    }
                    boolean hidden = l + 2 < sizes.length;
                    y[o] = !hidden ? sum : config.activation() == Activation.TANH ? Math.tanh(sum) : Math.max(sum, 0);
                }
                offset += in * out + out;
                a = y;
            }
            return a;
        }
    }
}
