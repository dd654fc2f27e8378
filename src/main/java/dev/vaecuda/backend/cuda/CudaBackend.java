package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.LossKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The CUDA backend: each {@link Backend} method is one kernel launch or one sgemm over a
 * {@link CudaRuntime}, so it runs unchanged on a GPU ({@link JCudaRuntime}) and on the CPU
 * emulator ({@link EmulatedRuntime}). Sizes are checked against the buffers on the host,
 * because a kernel would not notice. Owns the runtime and every allocation: close frees them.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS_PER_BLOCK = 256;
    // Enough resident blocks per multiprocessor to hide memory latency; grid-stride loops do the rest.
    private static final int BLOCKS_PER_MULTIPROCESSOR = 8;
    // bias_grad's block: 32 columns (one warp, coalesced) by 8 row strides.
    private static final int BIAS_GRAD_COLUMNS = 32;
    private static final int BIAS_GRAD_ROW_STRIDES = 8;

    private final CudaRuntime runtime;
    private final int maxBlocks;
    private final List<Long> allocations = new ArrayList<>();

    public CudaBackend(CudaRuntime runtime) {
        this.runtime = runtime;
        this.maxBlocks = runtime.multiprocessorCount() * BLOCKS_PER_MULTIPROCESSOR;
    }

    /** The runtime underneath, for its counters. */
    public CudaRuntime runtime() {
        return runtime;
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    public DeviceBuffer allocate(int length) {
        return new CudaBuffer(allocateZeroed((long) Float.BYTES * length), length);
    }

    @Override
    public DeviceIndices allocateIndices(int length) {
        return new CudaIndices(allocateZeroed((long) Integer.BYTES * length), length);
    }

    @Override
    public DeviceImages uploadImages(byte[] pixels, int count, int pixelsPerImage) {
        if ((long) count * pixelsPerImage != pixels.length) {
            throw new IllegalArgumentException(count + " images of " + pixelsPerImage + " pixels need "
                    + (long) count * pixelsPerImage + " bytes, got " + pixels.length);
        }
        long address = allocateZeroed(pixels.length);
        runtime.copyToDevice(pixels, address);
        return new CudaImages(address, count, pixelsPerImage);
    }

    private long allocateZeroed(long bytes) {
        // at least one byte: CUDA refuses empty allocations
        long address = runtime.allocate(Math.max(1, bytes));
        allocations.add(address);
        runtime.fillZero(address, bytes);
        return address;
    }

    @Override
    public void upload(float[] source, DeviceBuffer destination) {
        runtime.copyToDevice(source, CudaBuffer.of(destination).holding(source.length, "upload").address());
    }

    @Override
    public void upload(int[] source, DeviceIndices destination) {
        CudaIndices indices = CudaIndices.of(destination);
        if (source.length > indices.length()) {
            throw new IllegalArgumentException("upload of " + source.length + " ints into " + indices.length());
        }
        runtime.copyToDevice(source, indices.address());
    }

    @Override
    public void download(DeviceBuffer source, float[] destination) {
        runtime.copyToHost(CudaBuffer.of(source).holding(destination.length, "download").address(), destination);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, DeviceBuffer a, int lda, DeviceBuffer b, int ldb,
                     float beta, DeviceBuffer c, int ldc) {
        CudaBuffer ca = CudaBuffer.of(a).holding(matrixFloats(transA ? k : m, transA ? m : k, lda), "gemm A");
        CudaBuffer cb = CudaBuffer.of(b).holding(matrixFloats(transB ? n : k, transB ? k : n, ldb), "gemm B");
        CudaBuffer cc = CudaBuffer.of(c).holding(matrixFloats(m, n, ldc), "gemm C");
        runtime.sgemm(transA, transB, m, n, k, alpha, ca.address(), lda, cb.address(), ldb, beta, cc.address(), ldc);
    }

    /** Floats spanned by a column-major (rows, cols) matrix with leading dimension ld. */
    private static long matrixFloats(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (cols - 1) * ld + rows;
    }

    @Override
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, boolean relu) {
        int n = rows * cols;
        launchOver(n, Kernels.BIAS_ADD, CudaBuffer.of(y).holding(n, "biasAdd y"),
                CudaBuffer.of(bias).holding(cols, "biasAdd bias"), rows, cols, relu ? 1 : 0);
    }

    @Override
    public void biasGrad(DeviceBuffer dy, DeviceBuffer dBias, int rows, int cols) {
        if (cols == 0) {
            return;
        }
        int blocks = (cols + BIAS_GRAD_COLUMNS - 1) / BIAS_GRAD_COLUMNS;
        runtime.launch(Kernels.BIAS_GRAD, new LaunchGeometry(blocks, 1, BIAS_GRAD_COLUMNS, BIAS_GRAD_ROW_STRIDES),
                CudaBuffer.of(dy).holding((long) rows * cols, "biasGrad dy"),
                CudaBuffer.of(dBias).holding(cols, "biasGrad dBias"), rows, cols);
    }

    @Override
    public void reluBackward(DeviceBuffer dy, DeviceBuffer y, int n) {
        launchOver(n, Kernels.RELU_BACKWARD, CudaBuffer.of(dy).holding(n, "reluBackward dy"),
                CudaBuffer.of(y).holding(n, "reluBackward y"), n);
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer eps, DeviceBuffer z,
                               int rows, int latent, long seed, int stream, long step) {
        int n = rows * latent;
        // one thread per Philox block of four elements
        launchOver((n + 3) / 4, Kernels.REPARAMETERIZE,
                CudaBuffer.of(meanLogvar).holding(2L * n, "reparameterize meanLogvar"),
                CudaBuffer.of(eps).holding(n, "reparameterize eps"), CudaBuffer.of(z).holding(n, "reparameterize z"),
                rows, latent, seed, stream, step);
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer target,
                                 DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                                 DeviceBuffer dLogits, DeviceBuffer dMeanLogvar, DeviceBuffer lossSum) {
        int n = rows * pixels;
        // every block adds its partial sum to lossSum once, so the grid stays small (grid-stride)
        launchOver(Math.max(n, rows * latent), Kernels.LOSS_AND_GRADIENTS,
                CudaBuffer.of(logits).holding(n, "loss logits"), CudaBuffer.of(target).holding(n, "loss target"),
                CudaBuffer.of(meanLogvar).holding(2L * rows * latent, "loss meanLogvar"), beta, rows, pixels, latent,
                kind == LossKind.BCE ? 1 : 0, CudaBuffer.of(dLogits).holding(n, "loss dLogits"),
                CudaBuffer.of(dMeanLogvar).holding(2L * rows * latent, "loss dMeanLogvar"),
                CudaBuffer.of(lossSum).holding(1, "loss lossSum"));
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, int rows, int latent) {
        int n = rows * latent;
        launchOver(n, Kernels.REPARAMETERIZE_BACKWARD, CudaBuffer.of(dz).holding(n, "reparameterizeBackward dz"),
                CudaBuffer.of(eps).holding(n, "reparameterizeBackward eps"),
                CudaBuffer.of(meanLogvar).holding(2L * n, "reparameterizeBackward meanLogvar"),
                CudaBuffer.of(dMeanLogvar).holding(2L * n, "reparameterizeBackward dMeanLogvar"), rows, latent);
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n,
                     float lr, float beta1, float beta2, float epsilon, long step) {
        launchOver(n, Kernels.ADAM, CudaBuffer.of(params).holding(n, "adam params"),
                CudaBuffer.of(grads).holding(n, "adam grads"), CudaBuffer.of(m).holding(n, "adam m"),
                CudaBuffer.of(v).holding(n, "adam v"), n, lr, beta1, beta2, epsilon, step);
    }

    @Override
    public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
        launchOver(n, Kernels.SIGMOID, CudaBuffer.of(x).holding(n, "sigmoid x"),
                CudaBuffer.of(out).holding(n, "sigmoid out"), n);
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int first, int rows,
                            DeviceBuffer x, boolean binarize, long seed, int stream, long step) {
        CudaImages source = CudaImages.of(images);
        CudaIndices indices = CudaIndices.of(order);
        if (first < 0 || first + rows > indices.length()) {
            throw new IllegalArgumentException("gatherBatch rows [" + first + ", " + (first + rows)
                    + ") outside an order of " + indices.length());
        }
        int n = rows * source.pixelsPerImage();
        // one thread per Philox block of four pixels
        launchOver((n + 3) / 4, Kernels.GATHER_BATCH, source, indices, first, rows, source.pixelsPerImage(),
                CudaBuffer.of(x).holding(n, "gatherBatch x"), binarize ? 1 : 0, seed, stream, step);
    }

    @Override
    public void zero(DeviceBuffer buffer, int n) {
        runtime.fillZero(CudaBuffer.of(buffer).holding(n, "zero").address(), (long) Float.BYTES * n);
    }

    /** A 1-D grid-stride launch over {@code work} threads' worth of work; none when there is none. */
    private void launchOver(int work, KernelSpec kernel, Object... arguments) {
        if (work <= 0) {
            return;
        }
        int blocks = Math.min((work + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK, maxBlocks);
        runtime.launch(kernel, LaunchGeometry.linear(blocks, THREADS_PER_BLOCK), arguments);
    }

    @Override
    public void close() {
        try {
            for (long address : allocations) {
                runtime.free(address);
            }
            allocations.clear();
        } finally {
            runtime.close();
        }
    }
}
