package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceCounters;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.Replayable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CUDA backend: each {@link Backend} method is one kernel launch, one sgemm or one cuDNN convolution over a
 * {@link CudaRuntime}, so it runs unchanged on a GPU ({@link JCudaRuntime}) and on the CPU
 * emulator ({@link EmulatedRuntime}). Sizes are checked against the buffers on the host,
 * because a kernel would not notice. Owns the runtime and every allocation: close frees them.
 */
public final class CudaBackend implements Backend {
    // a power of two: channel_activation_backward's block_sum needs one
    private static final int THREADS_PER_BLOCK = 256;
    // Enough resident blocks per multiprocessor to hide memory latency; grid-stride loops do the rest.
    private static final int BLOCKS_PER_MULTIPROCESSOR = 8;
    // the column-sum kernels' block: 32 columns (one warp, coalesced) by 8 row strides
    private static final int COLUMN_BLOCK_COLUMNS = 32;
    private static final int COLUMN_BLOCK_ROW_STRIDES = 8;

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
    public void bindToCallingThread() {
        runtime.bindToCallingThread();
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
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation) {
        int n = rows * cols;
        launchOver(n, Kernels.BIAS_ADD, CudaBuffer.of(y).holding(n, "biasAdd y"),
                CudaBuffer.of(bias).holding(cols, "biasAdd bias"), rows, cols, activation.kernelCode());
    }

    @Override
    public void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols, Activation activation,
                                   DeviceBuffer dBias) {
        long n = (long) rows * cols;
        launchColumnSums(cols, Kernels.ACTIVATION_BACKWARD, CudaBuffer.of(dy).holding(n, "activationBackward dy"),
                CudaBuffer.of(y).holding(n, "activationBackward y"), rows, cols, activation.kernelCode(),
                CudaBuffer.of(dBias).holding(cols, "activationBackward dBias"));
    }

    @Override
    public void convForward(ConvShape shape, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows) {
        runtime.convForward(shape, rows, input(shape, x, rows, "convForward x"), weight(shape, w, "convForward w"),
                output(shape, y, rows, "convForward y"));
    }

    @Override
    public void convBackwardData(ConvShape shape, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows) {
        runtime.convBackwardData(shape, rows, output(shape, dy, rows, "convBackwardData dy"),
                weight(shape, w, "convBackwardData w"), input(shape, dx, rows, "convBackwardData dx"));
    }

    @Override
    public void convBackwardFilter(ConvShape shape, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
        runtime.convBackwardFilter(shape, rows, input(shape, x, rows, "convBackwardFilter x"),
                output(shape, dy, rows, "convBackwardFilter dy"), weight(shape, dw, "convBackwardFilter dw"));
    }

    private static long input(ConvShape shape, DeviceBuffer buffer, int rows, String what) {
        return CudaBuffer.of(buffer).holding((long) rows * shape.inputSize(), what).address();
    }

    private static long output(ConvShape shape, DeviceBuffer buffer, int rows, String what) {
        return CudaBuffer.of(buffer).holding((long) rows * shape.outputSize(), what).address();
    }

    private static long weight(ConvShape shape, DeviceBuffer buffer, String what) {
        return CudaBuffer.of(buffer).holding(shape.weightSize(), what).address();
    }

    @Override
    public void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                               Activation activation) {
        int n = rows * channels * spatial;
        launchOver(n, Kernels.CHANNEL_BIAS_ADD, CudaBuffer.of(y).holding(n, "channelBiasAdd y"),
                CudaBuffer.of(bias).holding(channels, "channelBiasAdd bias"), rows, channels, spatial,
                activation.kernelCode());
    }

    @Override
    public void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels, int spatial,
                                          Activation activation, DeviceBuffer dBias) {
        long n = (long) rows * channels * spatial;
        launchPerChannel(channels, Kernels.CHANNEL_ACTIVATION_BACKWARD,
                CudaBuffer.of(dy).holding(n, "channelActivationBackward dy"),
                CudaBuffer.of(y).holding(n, "channelActivationBackward y"), rows, channels, spatial,
                activation.kernelCode(), CudaBuffer.of(dBias).holding(channels, "channelActivationBackward dBias"));
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer headBias, DeviceBuffer eps, DeviceBuffer z,
                               int rows, int latent, long seed, int stream, DeviceStepState state) {
        int n = rows * latent;
        // one thread per Philox block of four elements
        launchOver((n + 3) / 4, Kernels.REPARAMETERIZE,
                CudaBuffer.of(meanLogvar).holding(2L * n, "reparameterize meanLogvar"),
                CudaBuffer.of(headBias).holding(2L * latent, "reparameterize headBias"),
                CudaBuffer.of(eps).holding(n, "reparameterize eps"), CudaBuffer.of(z).holding(n, "reparameterize z"),
                rows, latent, seed, stream, CudaStepState.of(state));
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias, DeviceBuffer target,
                                 DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                                 DeviceBuffer dLogits, DeviceBuffer dOutputBias, DeviceBuffer dMeanLogvar,
                                 DeviceLossSum lossSum, DeviceStepState state) {
        long n = (long) rows * pixels, k = 2L * rows * latent;
        if (columnBlocks(pixels) > CudaLossSum.MAX_BLOCKS) {
            throw new IllegalArgumentException("loss over " + pixels + " pixels: at most "
                    + CudaLossSum.MAX_BLOCKS * COLUMN_BLOCK_COLUMNS + " per image");
        }
        launchColumnSums(pixels, Kernels.LOSS_AND_GRADIENTS, CudaBuffer.of(logits).holding(n, "loss logits"),
                CudaBuffer.of(outputBias).holding(pixels, "loss outputBias"),
                CudaBuffer.of(target).holding(n, "loss target"),
                CudaBuffer.of(meanLogvar).holding(k, "loss meanLogvar"), beta, rows, pixels, latent,
                kind == LossKind.BCE ? 1 : 0, CudaBuffer.of(dLogits).holding(n, "loss dLogits"),
                CudaBuffer.of(dOutputBias).holding(pixels, "loss dOutputBias"),
                CudaBuffer.of(dMeanLogvar).holding(k, "loss dMeanLogvar"),
                CudaLossSum.of(lossSum), CudaStepState.of(state));
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, DeviceBuffer dHeadBias, int rows, int latent) {
        int n = rows * latent;
        launchColumnSums(2 * latent, Kernels.REPARAMETERIZE_BACKWARD,
                CudaBuffer.of(dz).holding(n, "reparameterizeBackward dz"),
                CudaBuffer.of(eps).holding(n, "reparameterizeBackward eps"),
                CudaBuffer.of(meanLogvar).holding(2L * n, "reparameterizeBackward meanLogvar"),
                CudaBuffer.of(dMeanLogvar).holding(2L * n, "reparameterizeBackward dMeanLogvar"),
                CudaBuffer.of(dHeadBias).holding(2L * latent, "reparameterizeBackward dHeadBias"), rows, latent);
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n,
                     float lr, float beta1, float beta2, float epsilon, DeviceStepState state) {
        launchOver(n, Kernels.ADAM, CudaBuffer.of(params).holding(n, "adam params"),
                CudaBuffer.of(grads).holding(n, "adam grads"), CudaBuffer.of(m).holding(n, "adam m"),
                CudaBuffer.of(v).holding(n, "adam v"), n, lr, beta1, beta2, epsilon, CudaStepState.of(state));
    }

    @Override
    public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
        launchOver(n, Kernels.SIGMOID, CudaBuffer.of(x).holding(n, "sigmoid x"),
                CudaBuffer.of(out).holding(n, "sigmoid out"), n);
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int rows,
                            DeviceBuffer x, boolean binarize, long seed, int stream, DeviceStepState state) {
        CudaImages source = CudaImages.of(images);
        CudaIndices indices = CudaIndices.of(order);
        int n = rows * source.pixelsPerImage();
        // one thread per Philox block of four pixels; the kernel stops at the end of the order
        launchOver((n + 3) / 4, Kernels.GATHER_BATCH, source, indices, indices.length(), batchSize, rows,
                source.pixelsPerImage(), CudaBuffer.of(x).holding(n, "gatherBatch x"), binarize ? 1 : 0, seed,
                stream, CudaStepState.of(state));
    }

    @Override
    public DeviceLossSum allocateLossSum() {
        return new CudaLossSum(allocateZeroed(CudaLossSum.BYTES));
    }

    @Override
    public double readLossSum(DeviceLossSum lossSum) {
        byte[] bytes = new byte[Double.BYTES];
        runtime.copyToHost(CudaLossSum.of(lossSum).address(), bytes);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getDouble();
    }

    /** The sum, and the count of blocks done back to 0 (it is 0 between launches anyway). */
    @Override
    public void setLossSum(DeviceLossSum lossSum, double value) {
        byte[] bytes = ByteBuffer.allocate(CudaLossSum.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(value).putInt(0).putInt(0).array();
        runtime.copyToDevice(bytes, CudaLossSum.of(lossSum).address());
    }

    @Override
    public DeviceStepState allocateStepState() {
        return new CudaStepState(allocateZeroed(CudaStepState.BYTES));
    }

    @Override
    public void setStepState(DeviceStepState state, long stepsDone, int batchInEpoch) {
        byte[] bytes = ByteBuffer.allocate(CudaStepState.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(stepsDone).putInt(batchInEpoch).putInt(0).array();
        runtime.copyToDevice(bytes, CudaStepState.of(state).address());
    }

    @Override
    public Replayable record(Runnable step) {
        runtime.beginRecording();
        try {
            step.run();
        } catch (RuntimeException e) {
            try {
                runtime.endRecording().close();
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        return runtime.endRecording();
    }

    @Override
    public Optional<DeviceCounters> counters() {
        return Optional.of(runtime.counters());
    }

    /** A column-sum kernel (kernels/grid.cuh): blocks of (32, 8) threads over ceil(cols / 32). */
    private void launchColumnSums(int cols, KernelSpec kernel, Object... arguments) {
        if (cols <= 0) {
            return;
        }
        runtime.launch(kernel, new LaunchGeometry(columnBlocks(cols), 1, COLUMN_BLOCK_COLUMNS, COLUMN_BLOCK_ROW_STRIDES), arguments);
    }

    private static int columnBlocks(int cols) {
        return (cols + COLUMN_BLOCK_COLUMNS - 1) / COLUMN_BLOCK_COLUMNS;
    }

    /**
     * A per-channel sum kernel (channel_activation_backward): one block per channel, as many as
     * {@link #launchOver} would start, striding over the channels beyond; each channel is summed by one
     * block alone, so its sum does not depend on the grid or on the order blocks run in.
     */
    private void launchPerChannel(int channels, KernelSpec kernel, Object... arguments) {
        if (channels <= 0) {
            return;
        }
        runtime.launch(kernel, LaunchGeometry.linear(Math.min(channels, maxBlocks), THREADS_PER_BLOCK), arguments);
    }

    /** A 1-D grid-stride launch over {@code work} threads' worth of work; none when there is none. */
    private void launchOver(int work, KernelSpec kernel, Object... arguments) {
        if (work <= 0) {
            return;
        }
        int blocks = Math.min((work + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK, maxBlocks);
        runtime.launch(kernel, LaunchGeometry.linear(blocks, THREADS_PER_BLOCK), arguments);
    }

    /**
     * Waits for the work queued on the device, which may still use the buffers, then frees them and
     * closes the runtime; each step runs even when one failed, the first failure is thrown and the
     * later ones are suppressed in it.
     */
    @Override
    public void close() {
        Faults faults = new Faults();
        faults.run(runtime::synchronize);
        for (long address : allocations) {
            faults.run(() -> runtime.free(address));
        }
        allocations.clear();
        faults.run(runtime::close);
        faults.rethrow();
    }
}
