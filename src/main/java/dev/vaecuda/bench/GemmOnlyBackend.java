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
import java.util.List;

/**
 * Runs a training step's GEMMs, with their exact shapes, and drops every other kernel: what
 * the step would cost if everything but the matrix products were free (the floor). A
 * convolution costs the multiply-adds of the CPU backend's convolution GEMMs, batched
 * ({@link ConvolutionGemms}), without moving its inputs and outputs. Counts the floating-point operations of the GEMMs (2 m n k each).
 */
final class GemmOnlyBackend extends ForwardingBackend {
    private final ConvolutionGemms convolutions;
    private long flops;

    /** For steps of up to {@code rows} images through the given convolutions (none for an MLP). */
    GemmOnlyBackend(Backend delegate, List<ConvShape> convolutions, int rows) {
        super(delegate);
        this.convolutions = new ConvolutionGemms(this, convolutions, rows);
    }

    long flops() {
        return flops;
    }

    void resetFlops() {
        flops = 0;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, int lda,
                     DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
        flops += 2L * m * n * k;
        super.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void convForward(ConvShape shape, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows) {
        convolutions.forward(shape, w, rows);
    }

    @Override
    public void convBackwardData(ConvShape shape, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows) {
        convolutions.backwardData(shape, w, rows);
    }

    @Override
    public void convBackwardFilter(ConvShape shape, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
        convolutions.backwardFilter(shape, dw, rows);
    }

    @Override
    public void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                               Activation activation) {
    }

    @Override
    public void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels, int spatial,
                                          Activation activation, DeviceBuffer dBias) {
    }

    @Override
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation) {
    }

    @Override
    public void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols, Activation activation,
                                   DeviceBuffer dBias) {
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer headBias, DeviceBuffer eps, DeviceBuffer z,
                               int rows, int latent, long seed, int stream, DeviceStepState state) {
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias, DeviceBuffer target,
                                 DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                                 DeviceBuffer dLogits, DeviceBuffer dOutputBias, DeviceBuffer dMeanLogvar,
                                 DeviceLossSum lossSum, DeviceStepState state) {
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, DeviceBuffer dHeadBias, int rows, int latent) {
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n, float lr,
                     float beta1, float beta2, float epsilon, DeviceStepState state) {
    }

    @Override
    public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int rows, DeviceBuffer x,
                            boolean binarize, long seed, int stream, DeviceStepState state) {
    }
}
