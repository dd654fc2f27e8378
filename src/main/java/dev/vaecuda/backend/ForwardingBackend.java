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
    public void bindToCallingThread() {
        delegate.bindToCallingThread();
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
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation) {
        delegate.biasAdd(y, bias, rows, cols, activation);
    }

    @Override
    public void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols, Activation activation,
                                   DeviceBuffer dBias) {
        delegate.activationBackward(dy, y, rows, cols, activation, dBias);
    }

    @Override
    public void convForward(ConvShape shape, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows) {
        delegate.convForward(shape, x, w, y, rows);
    }

    @Override
    public void convBackwardData(ConvShape shape, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows) {
        delegate.convBackwardData(shape, dy, w, dx, rows);
    }

    @Override
    public void convBackwardFilter(ConvShape shape, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
        delegate.convBackwardFilter(shape, x, dy, dw, rows);
    }

    @Override
    public void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                               Activation activation) {
        delegate.channelBiasAdd(y, bias, rows, channels, spatial, activation);
    }

    @Override
    public void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels, int spatial,
                                          Activation activation, DeviceBuffer dBias) {
        delegate.channelActivationBackward(dy, y, rows, channels, spatial, activation, dBias);
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer headBias, DeviceBuffer eps, DeviceBuffer z,
                               int rows, int latent, long seed, int stream, DeviceStepState state) {
        delegate.reparameterize(meanLogvar, headBias, eps, z, rows, latent, seed, stream, state);
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias, DeviceBuffer target,
                                 DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                                 DeviceBuffer dLogits, DeviceBuffer dOutputBias, DeviceBuffer dMeanLogvar,
                                 DeviceLossSum lossSum, DeviceStepState state) {
        delegate.lossAndGradients(kind, logits, outputBias, target, meanLogvar, beta, rows, pixels, latent,
                dLogits, dOutputBias, dMeanLogvar, lossSum, state);
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, DeviceBuffer dHeadBias, int rows, int latent) {
        delegate.reparameterizeBackward(dz, eps, meanLogvar, dMeanLogvar, dHeadBias, rows, latent);
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n, float lr,
                     float beta1, float beta2, float epsilon, DeviceStepState state) {
        delegate.adam(params, grads, m, v, n, lr, beta1, beta2, epsilon, state);
    }

    @Override
    public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
        delegate.sigmoid(x, out, n);
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int rows, DeviceBuffer x,
                            boolean binarize, long seed, int stream, DeviceStepState state) {
        delegate.gatherBatch(images, order, batchSize, rows, x, binarize, seed, stream, state);
    }

    @Override
    public DeviceLossSum allocateLossSum() {
        return delegate.allocateLossSum();
    }

    @Override
    public double readLossSum(DeviceLossSum lossSum) {
        return delegate.readLossSum(lossSum);
    }

    @Override
    public void setLossSum(DeviceLossSum lossSum, double value) {
        delegate.setLossSum(lossSum, value);
    }

    @Override
    public DeviceStepState allocateStepState() {
        return delegate.allocateStepState();
    }

    @Override
    public void setStepState(DeviceStepState state, long stepsDone, int batchInEpoch) {
        delegate.setStepState(state, stepsDone, batchInEpoch);
    }

    /** Records through this backend, so a subclass sees the recorded calls. */
    @Override
    public Replayable record(Runnable step) {
        return delegate.record(step);
    }

    @Override
    public java.util.Optional<DeviceCounters> counters() {
        return delegate.counters();
    }

    /** Closes nothing: the delegate belongs to whoever made it. */
    @Override
    public void close() {
    }
}
