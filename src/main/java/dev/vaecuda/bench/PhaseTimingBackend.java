package dev.vaecuda.bench;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.ForwardingBackend;
import dev.vaecuda.backend.LossKind;
import java.util.Arrays;

/**
 * Forwards every call and adds its wall time to one of four phases: the GEMMs, the convolutions
 * (each call whole: its GEMMs and the copies around them), Adam, and the rest (gather, bias,
 * activation, reparameterisation, loss). Only meaningful on a backend whose calls
 * return when their work is done (the CPU); a GPU queues its work.
 */
final class PhaseTimingBackend extends ForwardingBackend {
    private enum Phase { GEMM, CONVOLUTION, ADAM, REST }

    private final long[] nanos = new long[Phase.values().length];

    PhaseTimingBackend(Backend delegate) {
        super(delegate);
    }

    /** Nanoseconds so far in the GEMMs, the convolutions, Adam and the rest. */
    record Phases(long gemmNanos, long convolutionNanos, long adamNanos, long restNanos) {
    }

    Phases phases() {
        return new Phases(nanos[Phase.GEMM.ordinal()], nanos[Phase.CONVOLUTION.ordinal()], nanos[Phase.ADAM.ordinal()],
                nanos[Phase.REST.ordinal()]);
    }

    void reset() {
        Arrays.fill(nanos, 0);
    }

    private void timed(Phase phase, Runnable call) {
        long start = System.nanoTime();
        call.run();
        nanos[phase.ordinal()] += System.nanoTime() - start;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, int lda,
                     DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
        timed(Phase.GEMM, () -> super.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
    }

    @Override
    public void convForward(ConvShape shape, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows) {
        timed(Phase.CONVOLUTION, () -> super.convForward(shape, x, w, y, rows));
    }

    @Override
    public void convBackwardData(ConvShape shape, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows) {
        timed(Phase.CONVOLUTION, () -> super.convBackwardData(shape, dy, w, dx, rows));
    }

    @Override
    public void convBackwardFilter(ConvShape shape, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
        timed(Phase.CONVOLUTION, () -> super.convBackwardFilter(shape, x, dy, dw, rows));
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n, float lr,
                     float beta1, float beta2, float epsilon, DeviceStepState state) {
        timed(Phase.ADAM, () -> super.adam(params, grads, m, v, n, lr, beta1, beta2, epsilon, state));
    }

    @Override
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation) {
        timed(Phase.REST, () -> super.biasAdd(y, bias, rows, cols, activation));
    }

    @Override
    public void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols, Activation activation,
                                   DeviceBuffer dBias) {
        timed(Phase.REST, () -> super.activationBackward(dy, y, rows, cols, activation, dBias));
    }

    @Override
    public void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                               Activation activation) {
        timed(Phase.REST, () -> super.channelBiasAdd(y, bias, rows, channels, spatial, activation));
    }

    @Override
    public void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels, int spatial,
                                          Activation activation, DeviceBuffer dBias) {
        timed(Phase.REST, () -> super.channelActivationBackward(dy, y, rows, channels, spatial, activation, dBias));
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer headBias, DeviceBuffer eps, DeviceBuffer z,
                               int rows, int latent, long seed, int stream, DeviceStepState state) {
        timed(Phase.REST, () -> super.reparameterize(meanLogvar, headBias, eps, z, rows, latent, seed, stream, state));
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias, DeviceBuffer target,
                                 DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                                 DeviceBuffer dLogits, DeviceBuffer dOutputBias, DeviceBuffer dMeanLogvar,
                                 DeviceLossSum lossSum, DeviceStepState state) {
        timed(Phase.REST, () -> super.lossAndGradients(kind, logits, outputBias, target, meanLogvar, beta, rows, pixels, latent,
                dLogits, dOutputBias, dMeanLogvar, lossSum, state));
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, DeviceBuffer dHeadBias, int rows, int latent) {
        timed(Phase.REST, () -> super.reparameterizeBackward(dz, eps, meanLogvar, dMeanLogvar, dHeadBias, rows, latent));
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int rows, DeviceBuffer x,
                            boolean binarize, long seed, int stream, DeviceStepState state) {
        timed(Phase.REST, () -> super.gatherBatch(images, order, batchSize, rows, x, binarize, seed, stream, state));
    }
}
