package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.Philox;
import dev.vaecuda.backend.Replayable;
import dev.vaecuda.backend.cpu.blas.Blas;
import dev.vaecuda.backend.cpu.blas.BlasChoice;
import dev.vaecuda.backend.cpu.blas.Blases;
import java.util.Arrays;

/**
 * The reference backend, in plain Java on the host. GEMMs go to a {@link Blas} (the bundled
 * OpenBLAS unless told otherwise), split by columns of C over the worker threads when the BLAS
 * may be called concurrently, from one thread otherwise (measured: OpenBLAS threading each GEMM
 * itself made the GEMMs alone 6% faster and the whole step 60% slower, its threads and the
 * workers contending for the cores). The convolutions are GEMMs too, image by image (see
 * {@link CpuConvolution}). The small kernels are loops split by rows or columns. Results do not
 * depend on timing, only on the thread count, so a run is reproducible bit for bit at a fixed
 * {@code --threads}.
 */
public final class CpuBackend implements Backend {
    /** Below this many elements an operation runs on the calling thread alone. */
    private static final int MIN_PARALLEL_ELEMENTS = 16_384;
    /**
     * The same for vectorised adds, masks and copies (bias, ReLU backward, gather): one thread
     * does 128 x 400 of them in about 10 us (measured), the order of what the split saves, and
     * a split waits for a worker that lost its core (measured on a busy machine: 20x slower).
     */
    private static final int MIN_PARALLEL_LIGHT_ELEMENTS = 1 << 17;

    private final Blas blas;
    private final WorkerPool pool;
    private final Philox.Blocks[] philoxBlocks;
    private final double[] partialLoss;
    private final ReconstructionLoss[] reconstruction;
    private final ActivationGradient[] activationGradient;
    private final BiasRows[] biasRows;
    private final CpuConvolution convolution;

    /** On the BLAS that {@code auto} picks. */
    public CpuBackend(int threads) {
        this(threads, Blases.get(BlasChoice.auto));
    }

    public CpuBackend(int threads, Blas blas) {
        this.blas = blas;
        this.pool = new WorkerPool(threads);
        this.philoxBlocks = new Philox.Blocks[threads];
        Arrays.setAll(philoxBlocks, part -> new Philox.Blocks());
        this.partialLoss = new double[threads];
        this.reconstruction = new ReconstructionLoss[threads];
        Arrays.setAll(reconstruction, part -> new ReconstructionLoss());
        this.activationGradient = new ActivationGradient[threads];
        Arrays.setAll(activationGradient, part -> new ActivationGradient());
        this.biasRows = new BiasRows[threads];
        Arrays.setAll(biasRows, part -> new BiasRows());
        this.convolution = new CpuConvolution(blas, pool);
    }

    /**
     * The rows of the GEMMs this backend's convolutions of {@code shape} run per image (one per
     * output, plus the padding columns their layout reads; see PhasePlanes): what bench's floor repeats.
     */
    public static int convolutionGemmRowsPerImage(ConvShape shape) {
        return PhasePlanes.rows(shape);
    }

    public Blas blas() {
        return blas;
    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DeviceBuffer allocate(int length) {
        return new CpuBuffer(new float[length], 0, length);
    }

    @Override
    public DeviceIndices allocateIndices(int length) {
        return new CpuIndices(new int[length]);
    }

    @Override
    public DeviceImages uploadImages(byte[] pixels, int count, int pixelsPerImage) {
        if ((long) count * pixelsPerImage != pixels.length) {
            throw new IllegalArgumentException(count + " images of " + pixelsPerImage + " pixels need "
                    + (long) count * pixelsPerImage + " bytes, got " + pixels.length);
        }
        return new CpuImages(pixels.clone(), count, pixelsPerImage);
    }

    @Override
    public void upload(float[] source, DeviceBuffer destination) {
        CpuBuffer d = CpuBuffer.of(destination);
        checkLength(source.length, d.length());
        System.arraycopy(source, 0, d.data(), d.offset(), source.length);
    }

    @Override
    public void upload(int[] source, DeviceIndices destination) {
        int[] d = ((CpuIndices) destination).data();
        checkLength(source.length, d.length);
        System.arraycopy(source, 0, d, 0, source.length);
    }

    @Override
    public void download(DeviceBuffer source, float[] destination) {
        CpuBuffer s = CpuBuffer.of(source);
        checkLength(destination.length, s.length());
        System.arraycopy(s.data(), s.offset(), destination, 0, destination.length);
    }

    private static void checkLength(int hostLength, int deviceLength) {
        if (hostLength > deviceLength) {
            throw new IllegalArgumentException("copy of " + hostLength + " elements into a buffer of " + deviceLength);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, DeviceBuffer a, int lda, DeviceBuffer b, int ldb,
                     float beta, DeviceBuffer c, int ldc) {
        CpuBuffer ca = CpuBuffer.of(a), cb = CpuBuffer.of(b), cc = CpuBuffer.of(c);
        // Columns [j0, j1) of C depend only on columns [j0, j1) of op(B): one slice per thread.
        int minColumns = !blas.concurrentCallsSafe() ? Integer.MAX_VALUE
                : Math.max(2, (int) (4_000_000L / Math.max(1L, (long) m * k)));
        pool.forRange(n, minColumns, (j0, j1, part) -> {
            if (j1 > j0) {
                int bOffset = cb.offset() + (transB ? j0 : j0 * ldb);
                blas.sgemm(transA, transB, m, j1 - j0, k, alpha, ca.data(), ca.offset(), lda,
                        cb.data(), bOffset, ldb, beta, cc.data(), cc.offset() + j0 * ldc, ldc);
            }
        });
    }

    @Override
    public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation) {
        CpuBuffer cy = CpuBuffer.of(y), cb = CpuBuffer.of(bias);
        pool.forRange(rows, MIN_PARALLEL_LIGHT_ELEMENTS / Math.max(1, cols), (r0, r1, part) ->
                biasRows[part].add(cy.data(), cy.offset(), cols, r0, r1, cb.data(), cb.offset(), activation));
    }

    @Override
    public void activationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int cols, Activation activation,
                                   DeviceBuffer dBias) {
        CpuBuffer cdy = CpuBuffer.of(dy), cy = CpuBuffer.of(y), cdb = CpuBuffer.of(dBias);
        // split by columns, so each bias gradient is summed over rows in one fixed order
        pool.forRange(cols, MIN_PARALLEL_LIGHT_ELEMENTS / Math.max(1, rows), (c0, c1, part) ->
                activationGradient[part].backwardAndSum(cdy.data(), cdy.offset(), cy.data(), cy.offset(), rows, cols, c0, c1,
                        activation, cdb.data(), cdb.offset()));
    }

    /** sums[c] = sum over rows of m[r, c], m (rows, cols) row-major; split by columns, so deterministic. */
    private void columnSums(CpuBuffer m, int rows, int cols, CpuBuffer sums) {
        float[] md = m.data(), sd = sums.data();
        pool.forRange(cols, MIN_PARALLEL_ELEMENTS / Math.max(1, rows), (c0, c1, part) -> {
            int so = sums.offset();
            for (int c = c0; c < c1; c++) {
                sd[so + c] = 0f;
            }
            for (int r = 0; r < rows; r++) {
                int row = m.offset() + r * cols;
                for (int c = c0; c < c1; c++) {
                    sd[so + c] += md[row + c];
                }
            }
        });
    }

    @Override
    public void convForward(ConvShape shape, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows) {
        convolution.forward(shape, CpuBuffer.of(x), CpuBuffer.of(w), CpuBuffer.of(y), rows);
    }

    @Override
    public void convBackwardData(ConvShape shape, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows) {
        convolution.backwardData(shape, CpuBuffer.of(dy), CpuBuffer.of(w), CpuBuffer.of(dx), rows);
    }

    @Override
    public void convBackwardFilter(ConvShape shape, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
        convolution.backwardFilter(shape, CpuBuffer.of(x), CpuBuffer.of(dy), CpuBuffer.of(dw), rows);
    }

    @Override
    public void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                               Activation activation) {
        CpuBuffer cy = CpuBuffer.of(y), cb = CpuBuffer.of(bias);
        pool.forRange(rows, MIN_PARALLEL_LIGHT_ELEMENTS / Math.max(1, channels * spatial), (r0, r1, part) ->
                biasRows[part].addPerChannel(cy.data(), cy.offset(), channels, spatial, r0, r1, cb.data(), cb.offset(),
                        activation));
    }

    @Override
    public void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels, int spatial,
                                          Activation activation, DeviceBuffer dBias) {
        CpuBuffer cdy = CpuBuffer.of(dy), cy = CpuBuffer.of(y), cdb = CpuBuffer.of(dBias);
        // split by channels, so each bias gradient is summed in one fixed order, whatever the thread count
        pool.forRange(channels, MIN_PARALLEL_LIGHT_ELEMENTS / Math.max(1, rows * spatial), (c0, c1, part) ->
                activationGradient[part].backwardAndSumChannels(cdy.data(), cdy.offset(), cy.data(), cy.offset(), rows,
                        channels, spatial, c0, c1, activation, cdb.data(), cdb.offset()));
    }

    @Override
    public void reparameterize(DeviceBuffer meanLogvar, DeviceBuffer headBias, DeviceBuffer eps, DeviceBuffer z,
                               int rows, int latent, long seed, int stream, DeviceStepState state) {
        biasAdd(meanLogvar, headBias, rows, 2 * latent, Activation.IDENTITY);
        long step = CpuStepState.of(state).stepsDone + 1;
        CpuBuffer cml = CpuBuffer.of(meanLogvar), ce = CpuBuffer.of(eps), cz = CpuBuffer.of(z);
        float[] ml = cml.data(), e = ce.data(), zd = cz.data();
        pool.forRange(rows, MIN_PARALLEL_ELEMENTS / Math.max(1, latent), (r0, r1, part) -> {
            if (r1 == r0) {
                return;
            }
            Philox.normals(seed, stream, step, r0 * latent, (r1 - r0) * latent,
                    e, ce.offset() + r0 * latent, philoxBlocks[part]);
            for (int r = r0; r < r1; r++) {
                int row = cml.offset() + r * 2 * latent;
                for (int j = 0; j < latent; j++) {
                    float mu = ml[row + j], logvar = ml[row + latent + j];
                    zd[cz.offset() + r * latent + j] = mu + (float) Math.exp(0.5f * logvar) * e[ce.offset() + r * latent + j];
                }
            }
        });
    }

    @Override
    public void lossAndGradients(LossKind kind, DeviceBuffer logits, DeviceBuffer outputBias, DeviceBuffer target,
                                 DeviceBuffer meanLogvar, float beta, int rows, int pixels, int latent,
                                 DeviceBuffer dLogits, DeviceBuffer dOutputBias, DeviceBuffer dMeanLogvar,
                                 DeviceLossSum lossSum, DeviceStepState state) {
        CpuBuffer cx = CpuBuffer.of(logits), cb = CpuBuffer.of(outputBias), ct = CpuBuffer.of(target);
        CpuBuffer cml = CpuBuffer.of(meanLogvar), cdx = CpuBuffer.of(dLogits), cdml = CpuBuffer.of(dMeanLogvar);
        float[] x = cx.data(), t = ct.data(), ml = cml.data(), dx = cdx.data(), dml = cdml.data();
        Arrays.fill(partialLoss, 0.0);
        for (ReconstructionLoss part : reconstruction) {
            part.start(cb.data(), cb.offset(), pixels);
        }
        pool.forRange(rows, Math.max(1, MIN_PARALLEL_ELEMENTS / Math.max(1, pixels)), (r0, r1, part) -> {
            double kl = 0.0;
            for (int r = r0; r < r1; r++) {
                reconstruction[part].row(kind, x, cx.offset() + r * pixels, t, ct.offset() + r * pixels,
                        dx, cdx.offset() + r * pixels);
                kl += KlDivergence.lossAndGradient(ml, cml.offset() + r * 2 * latent,
                        dml, cdml.offset() + r * 2 * latent, latent, beta);
            }
            partialLoss[part] = reconstruction[part].lossSum() + beta * kl;
        });
        // the parts in a fixed order, so the sums depend on the thread count only
        double total = 0.0;
        CpuBuffer cdb = CpuBuffer.of(dOutputBias);
        Arrays.fill(cdb.data(), cdb.offset(), cdb.offset() + pixels, 0f);
        for (int part = 0; part < reconstruction.length; part++) {
            total += partialLoss[part];
            reconstruction[part].addGradientSums(cdb.data(), cdb.offset());
        }
        CpuLossSum.of(lossSum).sum += total;
        CpuStepState s = CpuStepState.of(state);
        s.stepsDone++;
        s.batchInEpoch++;
    }

    @Override
    public void reparameterizeBackward(DeviceBuffer dz, DeviceBuffer eps, DeviceBuffer meanLogvar,
                                       DeviceBuffer dMeanLogvar, DeviceBuffer dHeadBias, int rows, int latent) {
        CpuBuffer cdz = CpuBuffer.of(dz), ce = CpuBuffer.of(eps), cml = CpuBuffer.of(meanLogvar);
        CpuBuffer cdml = CpuBuffer.of(dMeanLogvar);
        float[] g = cdz.data(), e = ce.data(), ml = cml.data(), dml = cdml.data();
        pool.forRange(rows, MIN_PARALLEL_ELEMENTS / Math.max(1, latent), (r0, r1, part) -> {
            for (int r = r0; r < r1; r++) {
                int zRow = r * latent, mlRow = r * 2 * latent;
                for (int j = 0; j < latent; j++) {
                    float gz = g[cdz.offset() + zRow + j];
                    float sigma = (float) Math.exp(0.5f * ml[cml.offset() + mlRow + latent + j]);
                    dml[cdml.offset() + mlRow + j] += gz;
                    dml[cdml.offset() + mlRow + latent + j] += gz * e[ce.offset() + zRow + j] * 0.5f * sigma;
                }
            }
        });
        columnSums(cdml, rows, 2 * latent, CpuBuffer.of(dHeadBias));
    }

    @Override
    public void adam(DeviceBuffer params, DeviceBuffer grads, DeviceBuffer m, DeviceBuffer v, int n,
                     float lr, float beta1, float beta2, float epsilon, DeviceStepState state) {
        long step = CpuStepState.of(state).stepsDone;
        CpuBuffer cp = CpuBuffer.of(params), cg = CpuBuffer.of(grads), cm = CpuBuffer.of(m), cv = CpuBuffer.of(v);
        float[] p = cp.data(), g = cg.data(), md = cm.data(), vd = cv.data();
        float correction1 = 1f - (float) Math.pow(beta1, step);
        float correction2 = 1f - (float) Math.pow(beta2, step);
        float stepSize = lr / correction1;
        float sqrtCorrection2 = (float) Math.sqrt(correction2);
        int po = cp.offset(), go = cg.offset(), mo = cm.offset(), vo = cv.offset();
        if (po == 0 && go == 0 && mo == 0 && vo == 0) {
            adamFromZero(p, g, md, vd, n, beta1, beta2, epsilon, stepSize, sqrtCorrection2);
            return;
        }
        // slices of larger buffers (the model's are whole ones): the same loop on copies
        float[] ps = Arrays.copyOfRange(p, po, po + n), ms = Arrays.copyOfRange(md, mo, mo + n);
        float[] vs = Arrays.copyOfRange(vd, vo, vo + n);
        adamFromZero(ps, Arrays.copyOfRange(g, go, go + n), ms, vs, n, beta1, beta2, epsilon, stepSize, sqrtCorrection2);
        System.arraycopy(ps, 0, p, po, n);
        System.arraycopy(ms, 0, md, mo, n);
        System.arraycopy(vs, 0, vd, vo, n);
    }

    /**
     * The update over [0, n) of four arrays indexed alike, on the calling thread: JDK 25's C2
     * vectorises this loop only when it starts at a constant index, so neither a split over
     * threads nor offsets (measured on 425,284 parameters with subnormal-prone moments: 0.37 ms
     * here, 2.8 ms from a variable start).
     */
    private static void adamFromZero(float[] p, float[] g, float[] m, float[] v, int n,
                                     float beta1, float beta2, float epsilon, float stepSize, float sqrtCorrection2) {
        for (int i = 0; i < n; i++) {
            float gi = zeroBelow(g[i], ADAM_GRADIENT_FLOOR);
            float mi = zeroBelow(beta1 * m[i] + (1f - beta1) * gi, ADAM_MOMENT_FLOOR);
            float vi = zeroBelow(beta2 * v[i] + (1f - beta2) * gi * gi, ADAM_MOMENT_FLOOR);
            m[i] = mi;
            v[i] = vi;
            // torch.optim.Adam: p -= lr/c1 * m / (sqrt(v)/sqrt(c2) + eps)
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) / sqrtCorrection2 + epsilon);
        }
    }

    /**
     * x, or zero when |x| <= bound (NaN stays NaN). Arithmetic only, with Math.signum, so C2
     * vectorises the Adam loop: with a ternary, or Math.min in place of signum, it does not.
     */
    private static float zeroBelow(float x, float bound) {
        return x * Math.signum(Math.max(Math.abs(x) - bound, 0f));
    }

    @Override
    public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
        CpuBuffer cx = CpuBuffer.of(x), co = CpuBuffer.of(out);
        float[] xd = cx.data(), od = co.data();
        pool.forRange(n, MIN_PARALLEL_ELEMENTS, (i0, i1, part) -> {
            for (int i = i0; i < i1; i++) {
                od[co.offset() + i] = ReconstructionLoss.sigmoid(xd[cx.offset() + i]);
            }
        });
    }

    @Override
    public void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int rows,
                            DeviceBuffer x, boolean binarize, long seed, int stream, DeviceStepState state) {
        CpuImages ci = (CpuImages) images;
        int[] idx = ((CpuIndices) order).data();
        CpuStepState s = CpuStepState.of(state);
        long step = s.stepsDone + 1;
        int first = s.batchInEpoch * batchSize;
        int available = Math.max(0, Math.min(rows, idx.length - first));
        CpuBuffer cx = CpuBuffer.of(x);
        float[] xd = cx.data();
        byte[] px = ci.pixels();
        int pixels = ci.pixelsPerImage();
        int minParallel = binarize ? MIN_PARALLEL_ELEMENTS : MIN_PARALLEL_LIGHT_ELEMENTS;
        pool.forRange(available, minParallel / Math.max(1, pixels), (r0, r1, part) -> {
            for (int r = r0; r < r1; r++) {
                int src = idx[first + r] * pixels, dst = cx.offset() + r * pixels;
                for (int i = 0; i < pixels; i++) {
                    xd[dst + i] = (px[src + i] & 0xFF) * (1f / 255f);
                }
            }
            if (binarize && r1 > r0) {
                int start = cx.offset() + r0 * pixels;
                int count = (r1 - r0) * pixels;
                binarizeInPlace(xd, start, count, seed, stream, step, r0 * pixels, philoxBlocks[part]);
            }
        });
    }

    /** Replaces each probability p in xd[start ..] with 1 when its Philox uniform is below p. */
    private static void binarizeInPlace(float[] xd, int start, int count, long seed, int stream, long step,
                                        int firstElement, Philox.Blocks blocks) {
        int end = firstElement + count;
        int lastBlock = (end - 1) >>> 2;
        for (int chunk = firstElement >>> 2; chunk <= lastBlock; chunk += blocks.capacity()) {
            int[] bits = blocks.compute(seed, stream, step, chunk, Math.min(blocks.capacity(), lastBlock - chunk + 1));
            int from = Math.max(firstElement, chunk << 2), to = Math.min(end, (chunk + blocks.capacity()) << 2);
            int bitsAt = from - (chunk << 2), xAt = start + from - firstElement;
            for (int i = 0; i < to - from; i++) {
                // u < p as 1 or 0 in arithmetic, which the JIT vectorises (a ternary it does not): p - u > 0 exactly when p > u
                xd[xAt + i] = Math.signum(Math.max(xd[xAt + i] - Philox.uniform(bits[bitsAt + i]), 0f));
            }
        }
    }

    @Override
    public DeviceLossSum allocateLossSum() {
        return new CpuLossSum();
    }

    @Override
    public double readLossSum(DeviceLossSum lossSum) {
        return CpuLossSum.of(lossSum).sum;
    }

    @Override
    public void setLossSum(DeviceLossSum lossSum, double value) {
        CpuLossSum.of(lossSum).sum = value;
    }

    @Override
    public DeviceStepState allocateStepState() {
        return new CpuStepState();
    }

    @Override
    public void setStepState(DeviceStepState state, long stepsDone, int batchInEpoch) {
        CpuStepState s = CpuStepState.of(state);
        s.stepsDone = stepsDone;
        s.batchInEpoch = batchInEpoch;
    }

    /** Nothing to capture on the CPU: replaying runs the calls again. */
    @Override
    public Replayable record(Runnable step) {
        return new Replayable() {
            @Override
            public void replay() {
                step.run();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
        pool.close();
    }
}
