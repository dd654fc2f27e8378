package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.cpu.blas.Blas;
import java.util.Arrays;

/**
 * The convolutions of {@link dev.vaecuda.backend.Backend} as GEMMs that read an image's
 * {@link PhasePlanes} in place, one per class of kernel offsets ({@link TapClasses}), with no
 * im2col copy. Per image, with L = {@link PhasePlanes#rows}, the output (or its gradient) is a
 * (L, outChannels) column-major matrix, outWidth of every planeWidth rows being outputs (the
 * others zero on the way in, dropped on the way out), and each class k is a (L, span_k *
 * inChannels) matrix of plane columns at {@link PhasePlanes#stride}, starting at the class's
 * shift. Column-major:
 * <ul>
 * <li>forward: out = sum over k of planes_k * w_k, w_k being the class's (span_k * inChannels,
 * outChannels) weight block;
 * <li>backward data: planes_k += dy * w_k^T, each class's products added in place, so the GEMM
 * does col2im's scatter-add; then the planes' inside is dx;
 * <li>backward filter: dw_k += planes_k^T * dy, image after image, into one sum per thread, and
 * the threads' sums added in thread order.
 * </ul>
 * The images are split over the workers, one contiguous part each (all on the calling thread
 * when the BLAS may not be called concurrently). Measured on one thread for the MNIST model's
 * 32x14x14 to 64 convolution over 128 images: these per-image GEMMs take as long as GEMMs over
 * groups of images' im2col columns (about 5.5 ms), while the im2col copies and col2im's adds
 * that they spare took 1.6 and 3 ms (runs of 7 floats); what remains, the planes and the wide
 * rows, about 1.3 ms. Every sum runs in an order fixed by the thread count, so results are the
 * same bits on every call at a given thread count (forward and backward data: at any thread
 * count). Scratch grows once.
 */
final class CpuConvolution {
    /** A part smaller than this many multiply-adds is not worth waking a worker for. */
    private static final long MIN_PART_MULTIPLY_ADDS = 1L << 21;

    /** Runs on image {@code r} as part {@code part}, whose scratch is {@code t}. */
    @FunctionalInterface
    private interface ImageTask {
        void run(Scratch t, int r, int part);
    }

    private final Blas blas;
    private final WorkerPool pool;
    private final Scratch[] scratch;
    /** Which parts of the last filter gradient summed any image into their scratch. */
    private final boolean[] summed;
    /** The weight of the call, split into its classes' blocks. */
    private float[] blocks = new float[0];

    CpuConvolution(Blas blas, WorkerPool pool) {
        this.blas = blas;
        this.pool = pool;
        this.scratch = new Scratch[pool.threads()];
        Arrays.setAll(scratch, part -> new Scratch());
        this.summed = new boolean[pool.threads()];
    }

    void forward(ConvShape s, CpuBuffer x, CpuBuffer w, CpuBuffer y, int rows) {
        splitWeight(s, w);
        int spatial = PhasePlanes.rows(s), planeStride = PhasePlanes.stride(s), o = s.outChannels();
        forImages(s, rows, (t, r, part) -> {
            float[] planes = t.planes.load(s, x.data(), x.offset() + r * s.inputSize());
            for (int k = 0; k < TapClasses.count(s); k++) {
                int width = TapClasses.span(s, k) * s.inChannels();
                blas.sgemm(false, false, spatial, o, width, 1f, planes, TapClasses.shift(s, k), planeStride,
                        blocks, TapClasses.blockStart(s, k), width, k == 0 ? 0f : 1f, t.wide, 0, spatial);
            }
            moveWide(s, y.data(), y.offset() + r * s.outputSize(), t.wide, false);
        });
    }

    void backwardData(ConvShape s, CpuBuffer dy, CpuBuffer w, CpuBuffer dx, int rows) {
        splitWeight(s, w);
        int spatial = PhasePlanes.rows(s), planeStride = PhasePlanes.stride(s), o = s.outChannels();
        forImages(s, rows, (t, r, part) -> {
            moveWide(s, dy.data(), dy.offset() + r * s.outputSize(), t.wide, true);
            float[] planes = t.planes.zeroed(s);
            for (int k = 0; k < TapClasses.count(s); k++) {
                int width = TapClasses.span(s, k) * s.inChannels();
                blas.sgemm(false, true, spatial, width, o, 1f, t.wide, 0, spatial, blocks, TapClasses.blockStart(s, k),
                        width, 1f, planes, TapClasses.shift(s, k), planeStride);
            }
            t.planes.store(s, dx.data(), dx.offset() + r * s.inputSize());
        });
    }

    void backwardFilter(ConvShape s, CpuBuffer x, CpuBuffer dy, CpuBuffer dw, int rows) {
        int spatial = PhasePlanes.rows(s), planeStride = PhasePlanes.stride(s), o = s.outChannels();
        Arrays.fill(summed, false);
        forImages(s, rows, (t, r, part) -> {
            float[] planes = t.planes.load(s, x.data(), x.offset() + r * s.inputSize());
            moveWide(s, dy.data(), dy.offset() + r * s.outputSize(), t.wide, true);
            float[] sum = t.filter(TapClasses.blockStart(s, TapClasses.count(s)));
            for (int k = 0; k < TapClasses.count(s); k++) {
                int width = TapClasses.span(s, k) * s.inChannels();
                blas.sgemm(true, false, width, o, spatial, 1f, planes, TapClasses.shift(s, k), planeStride,
                        t.wide, 0, spatial, summed[part] ? 1f : 0f, sum, TapClasses.blockStart(s, k), width);
            }
            summed[part] = true;
        });
        float[] d = dw.data();
        pool.forRange(o, 2, (o0, o1, part) -> TapClasses.forEachWeight(s, o0, o1, (weight, block) -> {
            float total = 0f;
            for (int p = 0; p < scratch.length; p++) {
                total += summed[p] ? scratch[p].filter[block] : 0f;
            }
            d[dw.offset() + weight] = total;
        }));
    }

    /** The call's weight into {@link #blocks}, split over the workers by output channel. */
    private void splitWeight(ConvShape s, CpuBuffer w) {
        int length = TapClasses.blockStart(s, TapClasses.count(s));
        if (blocks.length < length) {
            blocks = new float[length];
        }
        // the rows of phases past the kernel stay 0
        Arrays.fill(blocks, 0, length, 0f);
        float[] b = blocks;
        pool.forRange(s.outChannels(), 2, (o0, o1, part) ->
                TapClasses.forEachWeight(s, o0, o1, (weight, block) -> b[block] = w.data()[w.offset() + weight]));
    }

    /** Runs {@code task} on the images [0, rows), split over the workers when the BLAS allows. */
    private void forImages(ConvShape s, int rows, ImageTask task) {
        int spatial = PhasePlanes.rows(s);
        for (Scratch t : scratch) {
            // zeros in the rows that are not outputs, which only the forward GEMM writes (moveWide does not)
            t.wide = t.wide.length < spatial * s.outChannels() ? new float[spatial * s.outChannels()] : t.wide;
            Arrays.fill(t.wide, 0, spatial * s.outChannels(), 0f);
        }
        long perImage = (long) s.weightSize() * spatial;
        int minParallel = !blas.concurrentCallsSafe() ? Integer.MAX_VALUE
                : (int) Math.min(Integer.MAX_VALUE, Math.max(2, pool.threads() * MIN_PART_MULTIPLY_ADDS / perImage));
        pool.forRange(rows, minParallel, (r0, r1, part) -> {
            for (int r = r0; r < r1; r++) {
                task.run(scratch[part], r, part);
            }
        });
    }

    /**
     * Between the image y[at ..] (outChannels, outHeight, outWidth) and the outputs' rows of its
     * (L, outChannels) column-major matrix, toWide or back: output row r of the image (channel r
     * / outHeight) is at r * planeWidth there.
     */
    private static void moveWide(ConvShape s, float[] y, int at, float[] wide, boolean toWide) {
        int outW = s.outWidth(), planeWidth = PhasePlanes.width(s);
        for (int r = 0; r < s.outChannels() * s.outHeight(); r++) {
            if (toWide) {
                System.arraycopy(y, at + r * outW, wide, r * planeWidth, outW);
            } else {
                System.arraycopy(wide, r * planeWidth, y, at + r * outW, outW);
            }
        }
    }

    /** One thread's arrays, grown to the largest sizes asked for and then kept. */
    private static final class Scratch {
        final PhasePlanes planes = new PhasePlanes();
        float[] wide = new float[0];
        float[] filter = new float[0];

        float[] filter(int length) {
            return filter = filter.length < length ? new float[length] : filter;
        }
    }
}
