package dev.vaecuda.backend;

/**
 * The seam between the model and the hardware. One implementation per device; identical
 * semantics. Matrices above this interface are row-major; {@link #gemm} follows BLAS's
 * column-major convention, so a row-major (r, c) matrix is passed as a column-major (c, r)
 * one with leading dimension c (see {@code dev.vaecuda.model.Linear}).
 *
 * <p>Buffers are allocated before training; no method allocates. Every method is
 * asynchronous with respect to the host except {@link #download}.
 */
public interface Backend extends AutoCloseable {

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

    /**
     * C = alpha * op(A) op(B) + beta * C in BLAS's column-major convention: op(A) is (m, k),
     * op(B) is (k, n), C is (m, n); op(X) is X or its transpose. beta 0 overwrites C (its old
     * contents are never read, NaN included).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, DeviceBuffer a, int lda, DeviceBuffer b, int ldb,
              float beta, DeviceBuffer c, int ldc);

    /** y is (rows, cols) row-major, bias (cols): y = y + bias, then ReLU when {@code relu}. */
    void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, boolean relu);

    /** dy is (rows, cols) row-major: dBias[c] = sum over rows of dy[r, c] (overwrites dBias). */
    void biasGrad(DeviceBuffer dy, DeviceBuffer dBias, int rows, int cols);

    /** dy *= (y > 0), elementwise over the first n elements; y is the ReLU's output. */
    void reluBackward(DeviceBuffer dy, DeviceBuffer y, int n);

    /**
     * meanLogvar is (rows, 2*latent) row-major, mu in columns [0, latent), logvar in
     * [latent, 2*latent). Draws eps (rows, latent) from {@link Philox} with (seed, stream,
     * step) and element index r*latent + j, and writes z = mu + exp(0.5*logvar) * eps.
     */
    void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer eps, DeviceBuffer z,
                        int rows, int latent, long seed, int stream, long step);

    /**
     * The fused loss for a batch. logits and target are (rows, pixels); meanLogvar is
     * (rows, 2*latent). Adds to {@code lossSum[0]} the batch's summed loss
     * sum_r [ recon_r + beta * KL_r ]. Writes the loss's gradients: dLogits (rows, pixels)
     * and dMeanLogvar (rows, 2*latent), the latter holding only the KL term's gradient
     * (see {@link #reparameterizeBackward}). Gradients are of the summed, not the mean, loss.
     */
    void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer target,
                          DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                          DeviceBuffer dLogits, DeviceBuffer dMeanLogvar, DeviceBuffer lossSum);

    /**
     * Adds the path through z = mu + exp(0.5*logvar)*eps to the KL gradients:
     * dMu += dz, dLogvar += dz * eps * 0.5 * exp(0.5*logvar). dz and eps are (rows, latent).
     */
    void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                DeviceBuffer dMeanLogvar, int rows, int latent);

    /**
     * Adam (Kingma and Ba, as torch.optim.Adam without weight decay) over n parameters;
     * {@code step} is the 1-based update count used for bias correction.
     */
    void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n,
              float lr, float beta1, float beta2, float epsilon, long step);

    /** out = 1 / (1 + exp(-x)) over n elements. */
    void sigmoid(DeviceBuffer x, DeviceBuffer out, int n);

    /**
     * x[r, :] = images[order[first + r], :] / 255 for r in [0, rows). With {@code binarize},
     * each pixel p becomes 1 with probability p, drawn from {@link Philox} with
     * (seed, stream, step) and element index r*pixels + i, and 0 otherwise.
     */
    void gatherBatch(DeviceImages images, DeviceIndices order, int first, int rows,
                     DeviceBuffer x, boolean binarize, long seed, int stream, long step);

    /** Sets n floats of the buffer to zero. */
    void zero(DeviceBuffer buffer, int n);

    @Override
    void close();
}
