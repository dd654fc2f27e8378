package dev.vaecuda.backend;

/** A Backend that passes every call to another one; subclasses override what they observe or drop. */
public abstract class ForwardingBackend implements Backend {
    protected final Backend delegate;

    protected ForwardingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public DeviceBuffer allocate(int length) {
        return delegate.allocate(length);
    }

    @Override
    public DeviceIndices allocateIndices(int length) {
        return delegate.allocateIndices(length);
    }

    @Override
    public DeviceImages uploadImages(byte[] pixels, int count, int pixelsPerImage) {
        return delegate.uploadImages(pixels, count, pixelsPerImage);
    }

    @Override
    public void upload(float[] source, DeviceBuffer destination) {
        delegate.upload(source, destination);
    }

    @Override
    public void upload(int[] source, DeviceIndices destination) {
        delegate.upload(source, destination);
    }

    @Override
    public void download(DeviceBuffer source, float[] destination) {
        delegate.download(source, destination);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, int lda,
                     DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
        delegate.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, boolean relu) {
        delegate.biasAdd(y, bias, rows, cols, relu);
    }

    @Override
    public void biasGrad(DeviceBuffer dy, DeviceBuffer dBias, int rows, int cols) {
        delegate.biasGrad(dy, dBias, rows, cols);
    }

    @Override
    public void reluBackward(DeviceBuffer dy, DeviceBuffer y, int n) {
        delegate.reluBackward(dy, y, n);
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer eps, DeviceBuffer z, int rows, int latent,
                               long seed, int stream, long step) {
        delegate.reparameterize(meanLogvar, eps, z, rows, latent, seed, stream, step);
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer target, DeviceBuffer meanLogvar,
                                 float beta, int rows, int pixels, int latent, DeviceBuffer dLogits,
                                 DeviceBuffer dMeanLogvar, DeviceBuffer lossSum) {
        delegate.lossAndGradients(kind, logits, target, meanLogvar, beta, rows, pixels, latent, dLogits, dMeanLogvar, lossSum);
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, int rows, int latent) {
        delegate.reparameterizeBackward(dz, eps, meanLogvar, dMeanLogvar, rows, latent);
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n, float lr,
                     float beta1, float beta2, float epsilon, long step) {
        delegate.adam(params, grads, m, v, n, lr, beta1, beta2, epsilon, step);
    }

    @Override
    public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
        delegate.sigmoid(x, out, n);
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int first, int rows, DeviceBuffer x,
                            boolean binarize, long seed, int stream, long step) {
        delegate.gatherBatch(images, order, first, rows, x, binarize, seed, stream, step);
    }

    @Override
    public void zero(DeviceBuffer buffer, int n) {
        delegate.zero(buffer, n);
    }

    /** Closes nothing: the delegate belongs to whoever made it. */
    @Override
    public void close() {
    }
}
