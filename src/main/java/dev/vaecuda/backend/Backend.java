package dev.vaecuda.backend;

/**
 * The seam between the model and the hardware. One implementation per device; identical
 * semantics. Matrices above this interface are row-major; {@link #gemm} follows BLAS's
 * column-major convention, so a row-major (r, c) matrix is passed as a column-major (c, r)
 * one with leading dimension c (see {@code dev.vaecuda.model.DenseLayer}).
 *
 * <p>Buffers are allocated before training; no method allocates. Every method is
 * asynchronous with respect to the host except {@link #download}.
 */
public interface Backend extends AutoCloseable {

    /** See {@link #adam}: (1 - beta2) * g^2 stays a normal float above it. */
    float ADAM_GRADIENT_FLOOR = 1e-16f;

    /** See {@link #adam}: beta * m, and lr * m, stay normal floats above it. */
    float ADAM_MOMENT_FLOOR = 1e-30f;

    /** Short name for logs: "cpu", "cuda", "emulated". */
    String name();

    /** A zero-filled buffer of {@code length} floats. */
    DeviceBuffer allocate(int length);

    /** A zero-filled int buffer. */
    DeviceIndices allocateIndices(int length);

    /** Copies the whole data set into backend memory once. */
    DeviceImages uploadImages(byte[] pixels, int count, int pixelsPerImage);

    void upload(float[] source, DeviceBuffer destination);

    void upload(int[] source, DeviceIndices destination);

    /** Blocks until the backend has finished all work, then copies. */
    void download(DeviceBuffer source, float[] destination);

    /** The whole buffer, as {@link #download(DeviceBuffer, float[])} copies it, in a new array. */
    default float[] download(DeviceBuffer source) {
        float[] values = new float[source.length()];
        download(source, values);
        return values;
    }

    /**
     * C = alpha * op(A) op(B) + beta * C in BLAS's column-major convention: op(A) is (m, k),
     * op(B) is (k, n), C is (m, n); op(X) is X or its transpose. beta 0 overwrites C (its old
     * contents are never read, NaN included).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, DeviceBuffer a, int lda, DeviceBuffer b, int ldb,
              float beta, DeviceBuffer c, int ldc);

    /** y is (rows, cols) row-major, bias (cols): y = activation(y + bias). */
    void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation);

    /**
     * The backward pass of a hidden layer's activation and its bias: dy (rows, cols) *= the
     * activation's derivative, taken from its output y (ReLU: 1 where y > 0, else 0; tanh:
     * 1 - y^2; IDENTITY: 1, dy unchanged); then dBias[c] = sum over rows of dy[r, c] (overwrites).
     */
    void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols, Activation activation,
                            DeviceBuffer dBias);

    /**
     * The 2-D convolution of {@code shape} (cross-correlation, as torch's conv2d, without bias)
     * over {@code rows} images: x is (rows, inChannels, inHeight, inWidth) and y (rows,
     * outChannels, outHeight, outWidth), both NCHW row-major; w is (outChannels, inChannels,
     * kernel, kernel). y[r, o, i, j] = sum over c, p, q of w[o, c, p, q] * x[r, c, i*stride + p -
     * padding, j*stride + q - padding], where x outside the image is 0. Overwrites y.
     */
    void convForward(ConvShape shape, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows);

    /**
     * The gradient of {@link #convForward} with respect to its input: dx = d(sum of dy * y) / dx
     * for dy shaped as y and dx as x. Overwrites dx (every element, including those no output
     * window covers, which become 0). This is also the transposed convolution of dy with w
     * (torch's conv_transpose2d, whose weight (in, out, k, k) is w read as such).
     */
    void convBackwardData(ConvShape shape, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows);

    /**
     * The gradient of {@link #convForward} with respect to its weight, summed over the rows:
     * dw[o, c, p, q] = sum over r, i, j of dy[r, o, i, j] * x[r, c, i*stride + p - padding,
     * j*stride + q - padding]. Overwrites dw.
     */
    void convBackwardFilter(ConvShape shape, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows);

    /**
     * y is (rows, channels, spatial) row-major (NCHW with spatial = height * width), bias
     * (channels): y[r, c, s] = activation(y[r, c, s] + bias[c]).
     */
    void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                        Activation activation);

    /**
     * The backward pass of {@link #channelBiasAdd}: dy (rows, channels, spatial) *= the
     * activation's derivative taken from its output y, as {@link #activationBackward}; then
     * dBias[c] = sum over rows and spatial of dy[r, c, s] (overwrites).
     */
    void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels, int spatial,
                                   Activation activation, DeviceBuffer dBias);

    /**
     * meanLogvar is the encoder head's (rows, 2*latent) output without its bias: adds
     * {@code headBias} (2*latent) to every row in place, so that mu is in columns [0, latent)
     * and logvar in [latent, 2*latent). Then draws eps (rows, latent) from {@link Philox} with
     * (seed, stream, stepsDone + 1 of {@code state}) and element index r*latent + j, and writes
     * z = mu + exp(0.5*logvar) * eps.
     */
    void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer headBias, DeviceBuffer eps, DeviceBuffer z,
                        int rows, int latent, long seed, int stream, DeviceStepState state);

    /**
     * The fused loss for a batch. logits (rows, pixels) is the decoder's output without its
     * bias: adds {@code outputBias} (pixels) in place. target is (rows, pixels); meanLogvar
     * (rows, 2*latent). Adds to {@code lossSum} the batch's summed loss
     * sum_r [ recon_r + beta * KL_r ]. Writes the gradients of that sum: dLogits (rows,
     * pixels), dOutputBias (pixels, its column sums), and dMeanLogvar (rows, 2*latent), the
     * latter holding only the KL term's part (see {@link #reparameterizeBackward}). Then
     * advances {@code state} by one step (see {@link DeviceStepState}).
     */
    void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias, DeviceBuffer target,
                          DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                          DeviceBuffer dLogits, DeviceBuffer dOutputBias, DeviceBuffer dMeanLogvar,
                          DeviceLossSum lossSum, DeviceStepState state);

    /**
     * Adds the path through z = mu + exp(0.5*logvar)*eps to the KL gradients:
     * dMu += dz, dLogvar += dz * eps * 0.5 * exp(0.5*logvar), with dz and eps (rows, latent);
     * then dHeadBias (2*latent) = column sums of dMeanLogvar (overwrites).
     */
    void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                DeviceBuffer dMeanLogvar, DeviceBuffer dHeadBias, int rows, int latent);

    /**
     * Adam (Kingma and Ba, as torch.optim.Adam without weight decay) over n parameters; the
     * 1-based update count t for the bias correction is {@code state}'s stepsDone, which the
     * step's loss has already advanced (see {@link DeviceStepState}). Unlike torch, a gradient of
     * magnitude at most {@link #ADAM_GRADIENT_FLOOR} counts as zero, and a new moment at most
     * {@link #ADAM_MOMENT_FLOOR} is stored as zero: the moments of weights whose gradient dies
     * away (those of inactive latent units) otherwise sink into subnormal floats, which x86 CPUs
     * compute about 100 times slower. Each floor moves a parameter by less than
     * lr * 1e-15 / epsilon per step.
     */
    void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n,
              float lr, float beta1, float beta2, float epsilon, DeviceStepState state);

    /** out = 1 / (1 + exp(-x)) over n elements. */
    void sigmoid(DeviceBuffer x, DeviceBuffer out, int n);

    /**
     * x[r, :] = images[order[first + r], :] / 255 for r in [0, rows), where first =
     * batchInEpoch * batchSize of {@code state}; rows past the end of the order are left as
     * they are. With {@code binarize}, each pixel p becomes 1 with probability p, drawn from
     * {@link Philox} with (seed, stream, stepsDone + 1) and element index r*pixels + i, and 0
     * otherwise.
     */
    void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int rows,
                     DeviceBuffer x, boolean binarize, long seed, int stream, DeviceStepState state);

    /** A loss accumulator holding 0. */
    DeviceLossSum allocateLossSum();

    /** The accumulated loss; waits for the work before it. */
    double readLossSum(DeviceLossSum lossSum);

    /** Sets the accumulator (to 0, or to a resumed epoch's partial sum): between steps, never inside one. */
    void setLossSum(DeviceLossSum lossSum, double value);

    /** A zeroed step state. */
    DeviceStepState allocateStepState();

    /** Sets a step state from the host: between steps (a new epoch, a resume), never inside one. */
    void setStepState(DeviceStepState state, long stepsDone, int batchInEpoch);

    /**
     * Records {@code step} (a fixed sequence of calls on this backend) to be replayed; on CUDA a
     * graph captured from the stream, elsewhere the calls themselves. Recording runs nothing.
     */
    Replayable record(Runnable step);

    /** Launches and copies since the last reset, where the device counts them (the CUDA backend). */
    default java.util.Optional<DeviceCounters> counters() {
        return java.util.Optional.empty();
    }

    /**
     * Makes the calling thread able to compute on this backend, before its first call from a thread
     * other than the one that opened it: a GPU context is current per thread. Nothing on the CPU.
     * The backend is still for one thread at a time.
     */
    default void bindToCallingThread() {
    }

    @Override
    void close();
}
