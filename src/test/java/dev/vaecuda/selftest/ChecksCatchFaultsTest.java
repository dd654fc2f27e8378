package dev.vaecuda.selftest;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.ForwardingBackend;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.ModelConfig;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The checks that `selftest` runs on a user's GPU fail on a faulty device: a CPU backend with one
 * operation broken plays the device, the CPU backend the reference. Each kernel check catches a
 * small error in each of its outputs (one element off by 1%, the last where it is written: where
 * sums that drop a row and grid loops that stop one short go wrong), and the training-step check catches the two Adam bugs
 * a review injected: a lazy Adam that leaves parameters with a zero gradient alone, and one that
 * moves them the wrong way.
 */
class ChecksCatchFaultsTest {
    private static final ModelConfig DEFAULT_MODEL = new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f);

    /** A CPU backend whose overridden operations are broken. */
    private abstract static class Faulty extends ForwardingBackend {
        Faulty() {
            super(new CpuBackend(2));
        }

        /** Moves the last element of {@code buffer}'s first {@code n} by 1% (and at least 0.01). */
        void damageLast(DeviceBuffer buffer, int n) {
            damage(buffer, n - 1);
        }

        void damage(DeviceBuffer buffer, int index) {
            float[] values = download(buffer);
            values[index] += 0.01f * Math.max(1, Math.abs(values[index]));
            upload(values, buffer);
        }
    }

    private static void assertCaught(Backend device, Consumer<BackendPair> check) {
        try (BackendPair pair = new BackendPair(device, new CpuBackend(2), new SplittableRandom().nextLong())) {
            assertThrows(MismatchException.class, () -> check.accept(pair));
        }
    }

    /** Parameters whose gradient is exactly 0 keep their value and moments, or move against their update. */
    private static final class ZeroGradientAdam extends Faulty {
        private final boolean wrongWay;

        ZeroGradientAdam(boolean wrongWay) {
            this.wrongWay = wrongWay;
        }

        @Override
        public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n, float lr,
                         float beta1, float beta2, float epsilon, DeviceStepState state) {
            float[] g = new float[n], p0 = new float[n], m0 = new float[n], v0 = new float[n];
            download(grads.slice(0, n), g);
            download(params.slice(0, n), p0);
            download(m.slice(0, n), m0);
            download(v.slice(0, n), v0);
            super.adam(params, grads, m, v, n, lr, beta1, beta2, epsilon, state);
            float[] p1 = new float[n], m1 = new float[n], v1 = new float[n];
            download(params.slice(0, n), p1);
            download(m.slice(0, n), m1);
            download(v.slice(0, n), v1);
            for (int i = 0; i < n; i++) {
                if (g[i] == 0) {
                    p1[i] = wrongWay ? 2 * p0[i] - p1[i] : p0[i];
                    m1[i] = wrongWay ? m1[i] : m0[i];
                    v1[i] = wrongWay ? v1[i] : v0[i];
                }
            }
            upload(p1, params.slice(0, n));
            upload(m1, m.slice(0, n));
            upload(v1, v.slice(0, n));
        }
    }

    /** An Adam that keeps the tiny moments Backend.adam's floors zero: torch's formula to the letter. */
    private static final class AdamWithoutFloors extends Faulty {
        @Override
        public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n, float lr,
                         float beta1, float beta2, float epsilon, DeviceStepState state) {
            float[] g = new float[n], m0 = new float[n], v0 = new float[n];
            download(grads.slice(0, n), g);
            download(m.slice(0, n), m0);
            download(v.slice(0, n), v0);
            super.adam(params, grads, m, v, n, lr, beta1, beta2, epsilon, state);
            float[] m1 = new float[n], v1 = new float[n];
            download(m.slice(0, n), m1);
            download(v.slice(0, n), v1);
            for (int i = 0; i < n; i++) {
                m1[i] = m1[i] == 0 ? beta1 * m0[i] + (1 - beta1) * g[i] : m1[i];
                v1[i] = v1[i] == 0 ? beta2 * v0[i] + (1 - beta2) * g[i] * g[i] : v1[i];
            }
            upload(m1, m.slice(0, n));
            upload(v1, v.slice(0, n));
        }
    }

    @Test
    void adamWithoutItsFloors() {
        assertCaught(new AdamWithoutFloors(), pair -> KernelChecks.adam(pair, 10_007, 10));
    }

    /** The loss sum off by 0.1%; the gradients are right. */
    private static final class LossSumOff extends Faulty {
        @Override
        public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias, DeviceBuffer target,
                                     DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                                     DeviceBuffer dLogits, DeviceBuffer dOutputBias, DeviceBuffer dMeanLogvar,
                                     DeviceLossSum lossSum, DeviceStepState state) {
            super.lossAndGradients(kind, logits, outputBias, target, meanLogvar, beta, rows, pixels, latent,
                    dLogits, dOutputBias, dMeanLogvar, lossSum, state);
            setLossSum(lossSum, readLossSum(lossSum) * 1.001);
        }
    }

    @Test
    void lazyAdam() {
        assertCaught(new ZeroGradientAdam(false), pair -> KernelChecks.adam(pair, 10_007, 10));
        assertCaught(new ZeroGradientAdam(false), pair -> TrainingStepCheck.run(pair, DEFAULT_MODEL, 64, 3));
    }

    @Test
    void adamMovingZeroGradientsTheWrongWay() {
        assertCaught(new ZeroGradientAdam(true), pair -> KernelChecks.adam(pair, 10_007, 10));
        assertCaught(new ZeroGradientAdam(true), pair -> TrainingStepCheck.run(pair, DEFAULT_MODEL, 64, 3));
    }

    /**
     * Faults that only one of the training-step check's comparisons sees: a loss sum off by 0.1%
     * (the gradients are right), a bias gradient off by 1% (Adam's replay uses the device's own).
     */
    @Test
    void trainingStepsCatchALossSumOrAGradientOff() {
        ModelConfig small = new ModelConfig(7, 9, List.of(50, 30), 3, LossKind.MSE, 0.5f);
        assertCaught(new LossSumOff(), pair -> TrainingStepCheck.run(pair, small, 37, 3));
        assertCaught(new Faulty() {
            @Override
            public void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols, Activation activation,
                                           DeviceBuffer dBias) {
                super.activationBackward(dy, y, rows, cols, activation, dBias);
                damageLast(dBias, cols);
            }
        }, pair -> TrainingStepCheck.run(pair, small, 37, 3));
    }

    @Test
    void eachKernelCheckCatchesAnErrorInEachOutput() {
        assertCaught(new Faulty() {
            @Override
            public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation) {
                super.biasAdd(y, bias, rows, cols, activation);
                damageLast(y, rows * cols);
            }
        }, pair -> KernelChecks.biasAdd(pair, 7, 33));
        for (int output = 0; output < 2; output++) {
            boolean bias = output == 1;
            assertCaught(new Faulty() {
                @Override
                public void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols,
                                               Activation activation, DeviceBuffer dBias) {
                    super.activationBackward(dy, y, rows, cols, activation, dBias);
                    damageLast(bias ? dBias : dy, bias ? cols : rows * cols);
                }
            }, pair -> KernelChecks.activationBackward(pair, 129, 40, Activation.RELU));
        }
        assertCaught(new Faulty() {
            @Override
            public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
                super.sigmoid(x, out, n);
                damageLast(out, n);
            }
        }, pair -> KernelChecks.sigmoid(pair, 1000));
        for (int output = 0; output < 3; output++) {
            int which = output;
            assertCaught(new Faulty() {
                @Override
                public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer headBias, DeviceBuffer eps,
                                           DeviceBuffer z, int rows, int latent, long seed, int stream,
                                           DeviceStepState state) {
                    super.reparameterize(meanLogvar, headBias, eps, z, rows, latent, seed, stream, state);
                    damageLast(which == 0 ? meanLogvar : which == 1 ? eps : z, (which == 0 ? 2 : 1) * rows * latent);
                }
            }, pair -> KernelChecks.reparameterizeAndBackward(pair, 9, 5));
        }
        for (int output = 0; output < 2; output++) {
            boolean bias = output == 1;
            assertCaught(new Faulty() {
                @Override
                public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                                   DeviceBuffer dMeanLogvar, DeviceBuffer dHeadBias, int rows,
                                                   int latent) {
                    super.reparameterizeBackward(dz, eps, meanLogvar, dMeanLogvar, dHeadBias, rows, latent);
                    damageLast(bias ? dHeadBias : dMeanLogvar, (bias ? 2 : 2 * rows) * latent);
                }
            }, pair -> KernelChecks.reparameterizeAndBackward(pair, 9, 5));
        }
        for (int output = 0; output < 4; output++) {
            int which = output;
            assertCaught(new Faulty() {
                @Override
                public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias,
                                             DeviceBuffer target, DeviceBuffer meanLogvar, float beta, int rows,
                                             int pixels, int latent, DeviceBuffer dLogits, DeviceBuffer dOutputBias,
                                             DeviceBuffer dMeanLogvar, DeviceLossSum lossSum, DeviceStepState state) {
                    super.lossAndGradients(kind, logits, outputBias, target, meanLogvar, beta, rows, pixels, latent,
                            dLogits, dOutputBias, dMeanLogvar, lossSum, state);
                    switch (which) {
                        case 0 -> damageLast(logits, rows * pixels);
                        case 1 -> damageLast(dLogits, rows * pixels);
                        case 2 -> damageLast(dOutputBias, pixels);
                        default -> damageLast(dMeanLogvar, 2 * rows * latent);
                    }
                }
            }, pair -> KernelChecks.lossAndGradients(pair, LossKind.BCE, 7, 33, 5));
        }
        assertCaught(new LossSumOff(), pair -> KernelChecks.lossAndGradients(pair, LossKind.MSE, 7, 33, 5));
        assertCaught(new Faulty() {
            @Override
            public void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int rows, DeviceBuffer x,
                                    boolean binarize, long seed, int stream, DeviceStepState state) {
                super.gatherBatch(images, order, batchSize, rows, x, binarize, seed, stream, state);
                damage(x, 0); // rows past the order's end are left as they were (NaN) on both sides
            }
        }, pair -> KernelChecks.gatherBatch(pair, 9, 784));
        assertCaught(new Faulty() {
            @Override
            public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, int lda,
                             DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
                super.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                damageLast(c, ldc * (n - 1) + m);
            }
        }, pair -> KernelChecks.gemm(pair, GemmPrecision.FP32, false, true, 33, 7, 5));
    }

    @Test
    void eachConvLayerCheckCatchesAnErrorInEachOutput() {
        assertCaught(new Faulty() {
            @Override
            public void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                                       Activation activation) {
                super.channelBiasAdd(y, bias, rows, channels, spatial, activation);
                damageLast(y, rows * channels * spatial);
            }
        }, pair -> KernelChecks.channelBiasAdd(pair, 3, 5, 7));
        for (int output = 0; output < 2; output++) {
            boolean bias = output == 1;
            assertCaught(new Faulty() {
                @Override
                public void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels,
                                                      int spatial, Activation activation, DeviceBuffer dBias) {
                    super.channelActivationBackward(dy, y, rows, channels, spatial, activation, dBias);
                    damageLast(bias ? dBias : dy, bias ? channels : rows * channels * spatial);
                }
            }, pair -> KernelChecks.channelActivationBackward(pair, 3, 5, 7, Activation.TANH));
        }
        ConvShape shape = new ConvShape(3, 6, 5, 4, 4, 2, 1);
        assertCaught(new Faulty() {
            @Override
            public void convForward(ConvShape s, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows) {
                super.convForward(s, x, w, y, rows);
                damageLast(y, rows * s.outputSize());
            }
        }, pair -> KernelChecks.convForward(pair, GemmPrecision.FP32, shape, 2));
        assertCaught(new Faulty() {
            @Override
            public void convBackwardData(ConvShape s, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows) {
                super.convBackwardData(s, dy, w, dx, rows);
                damageLast(dx, rows * s.inputSize());
            }
        }, pair -> KernelChecks.convBackwardData(pair, GemmPrecision.FP32, shape, 2));
        assertCaught(new Faulty() {
            @Override
            public void convBackwardFilter(ConvShape s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
                super.convBackwardFilter(s, x, dy, dw, rows);
                damageLast(dw, s.weightSize());
            }
        }, pair -> KernelChecks.convBackwardFilter(pair, GemmPrecision.FP32, shape, 2));
    }

    /** A conv VAE's training steps catch a weight gradient of a convolution off by 1%. */
    @Test
    void convTrainingStepsCatchAFilterGradientOff() {
        ModelConfig conv = new ModelConfig(8, 8, List.of(16), 3, LossKind.BCE, 1f, Activation.RELU, Architecture.CONV,
                List.of(2, 3));
        assertCaught(new Faulty() {
            @Override
            public void convBackwardFilter(ConvShape s, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
                super.convBackwardFilter(s, x, dy, dw, rows);
                damageLast(dw, s.weightSize());
            }
        }, pair -> TrainingStepCheck.run(pair, conv, 5, 3));
    }
}
