package dev.vaecuda.selftest;

import static dev.vaecuda.selftest.CudaMathBounds.COSF;
import static dev.vaecuda.selftest.CudaMathBounds.EXPF;
import static dev.vaecuda.selftest.CudaMathBounds.LOGF;
import static dev.vaecuda.selftest.CudaMathBounds.SQRTF;
import static dev.vaecuda.selftest.CudaMathBounds.TANHF;
import static dev.vaecuda.selftest.CudaMathBounds.UNIT_ROUNDOFF;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.selftest.BackendPair.Twin;
import dev.vaecuda.selftest.BackendPair.TwinLossSum;
import dev.vaecuda.selftest.BackendPair.TwinState;

/**
 * One check per kernel: the operation on the device under test and on the reference, on
 * random inputs of the given shape, compared with the tolerance stated beside each. The tests
 * run them over the emulator on many shapes; `selftest` runs them on the user's device.
 * A failed check throws {@link MismatchException}.
 */
public final class KernelChecks {
    /** Gradients of dead units, of cancelling sums and of saturated outputs: exact zeros and tiny values. */
    private static final float[] ZERO_AND_TINY = {0f, 1e-30f, 1e-12f, 1e-7f};
    /** Around Backend.ADAM_GRADIENT_FLOOR (1e-16), a subnormal, and what stays. */
    private static final float[] ADAM_GRADIENT_EDGES = {0f, 1e-39f, 0.99e-16f, 1e-16f, 1.01e-16f, 1e-12f};
    /** Moments that a step with a zeroed gradient takes below Backend.ADAM_MOMENT_FLOOR (1e-30) or keeps above it. */
    private static final float[] ADAM_MOMENT_EDGES = {1e-38f, 1.0e-30f, 1.05e-30f, 1.2e-30f};
    /** Logits where sigmoid saturates, exp overflows and a float product loses the small terms. */
    private static final float[] LARGE = {0f, 100f, 1e30f};

    private KernelChecks() {
    }

    /** A float sum of {@code terms} terms of magnitude below 1, against the reference's order of summation. */
    private static Tolerance sumOf(int terms) {
        return new Tolerance(1e-6 * terms, 1e-5);
    }

    /*
     * The tolerances of the math functions' results, from the errors the CUDA C++ Programming Guide
     * documents (CudaMathBounds) and u (CudaMathBounds.UNIT_ROUNDOFF) per rounding on either side,
     * each doubled. Checked against the GPU-rounding emulator, whose functions err by exactly those
     * bounds and whose compiler fuses a*b + c.
     */

    /**
     * tanh: CUDA's tanhf (TANHF ulps) plus the bias addition against the CPU's rational
     * approximation (within 3.6e-7, see BiasRows); its derivative 1 - y^2 may be fused into one
     * multiply-add on a GPU, which differs by at most u y^2 |dy|, inside the absolute part.
     */
    private static final Tolerance TANH = new Tolerance(2 * 3.6e-7, 2 * (TANHF.relativeError() + 2 * UNIT_ROUNDOFF));

    /**
     * sigmoid from e = expf(-|x|) (EXPF ulps), then 1 + e and a division on either side: relative
     * over the whole range, down to e^-87 where sigmoid(x) for x < 0 is about 1e-38, since the guide's
     * ulps are relative to the result. Below the smallest normal float (2^-126), where an ulp is the
     * constant 2^-149, those ulps and the roundings are absolute: (EXPF ulps + 4 half-ulp roundings)
     * of 2^-149, doubled. (It was 1e-7 absolute, which let any error in expf's range reduction through
     * for x below about -16, where sigmoid(x) < 1e-7: an fma of libdevice's expf made a multiply and an
     * add loses 2^-19 of x log2(e) at |x| near 30, 22 u relative; PtxKernelMutantsTest.)
     */
    private static final Tolerance SIGMOID = new Tolerance(2 * (EXPF.maxUlps + 2) * 0x1p-149,
            2 * (EXPF.relativeError() + 4 * UNIT_ROUNDOFF));

    /**
     * eps by Box-Muller from the same Philox bits and the same float angle: sqrt(-2 logf(u)) (LOGF
     * ulps, halved by the square root; SQRTF) times cosf or sinf (COSF = SINF ulps), against the
     * CPU's double logarithm, root and cosine rounded once. The absolute part is the allowance
     * measured before these bounds were written down, kept: the guide's bounds come from extensive
     * but not exhaustive tests.
     */
    private static final Tolerance EPS = new Tolerance(2e-6,
            2 * (LOGF.relativeError() / 2 + SQRTF.relativeError() + COSF.relativeError() + 4 * UNIT_ROUNDOFF));

    /** y = activation(y + bias), rows x cols, for every activation. */
    public static void biasAdd(BackendPair pair, int rows, int cols) {
        for (Activation activation : Activation.values()) {
            Twin y = pair.uniform(rows * cols, -3, 3), bias = pair.uniform(cols, -1, 1);
            pair.device.biasAdd(y.device(), bias.device(), rows, cols, activation);
            pair.reference.biasAdd(y.reference(), bias.reference(), rows, cols, activation);
            // one float addition (and a max): the same rounding on both sides; tanh: two implementations
            pair.assertClose("biasAdd " + activation, y, activation == Activation.TANH ? TANH : Tolerance.EXACT);
        }
    }

    /**
     * A hidden activation's backward pass over dy (rows, cols), from its output y, and the bias
     * gradient (its column sums, overwritten).
     */
    public static void activationBackward(BackendPair pair, int rows, int cols, Activation activation) {
        // y is the activation's output: ReLU's exact zeros (inactive units) among positive values, or tanh's (-1, 1)
        Twin dy = pair.uniformWithEdges(rows * cols, -1, 1, ZERO_AND_TINY);
        Twin y = activation == Activation.RELU ? pair.uniformWithEdges(rows * cols, 0, 1, 0f) : pair.uniform(rows * cols, -1, 1);
        Twin dBias = pair.filled(cols, Float.NaN);
        pair.device.activationBackward(dy.device(), y.device(), rows, cols, activation, dBias.device());
        pair.reference.activationBackward(dy.reference(), y.reference(), rows, cols, activation, dBias.reference());
        pair.assertClose("activationBackward " + activation + " dy", dy,
                activation == Activation.TANH ? TANH : Tolerance.EXACT);
        pair.assertClose("activationBackward " + activation + " dBias", dBias, sumOf(rows));
    }

    /** y = activation(y + bias[c]) over (rows, channels, spatial), for every activation. */
    public static void channelBiasAdd(BackendPair pair, int rows, int channels, int spatial) {
        for (Activation activation : Activation.values()) {
            Twin y = pair.uniform(rows * channels * spatial, -3, 3), bias = pair.uniform(channels, -1, 1);
            pair.device.channelBiasAdd(y.device(), bias.device(), rows, channels, spatial, activation);
            pair.reference.channelBiasAdd(y.reference(), bias.reference(), rows, channels, spatial, activation);
            // as biasAdd: one float addition (and a max), or two implementations of tanh
            pair.assertClose("channelBiasAdd " + activation, y, activation == Activation.TANH ? TANH : Tolerance.EXACT);
        }
    }

    /**
     * A conv layer's activation backward pass over dy (rows, channels, spatial), from its output y,
     * and the bias gradient (each channel's sum over rows and spatial, overwritten).
     */
    public static void channelActivationBackward(BackendPair pair, int rows, int channels, int spatial,
                                                 Activation activation) {
        int n = rows * channels * spatial;
        Twin dy = pair.uniformWithEdges(n, -1, 1, ZERO_AND_TINY);
        Twin y = activation == Activation.RELU ? pair.uniformWithEdges(n, 0, 1, 0f) : pair.uniform(n, -1, 1);
        Twin dBias = pair.filled(channels, Float.NaN);
        pair.device.channelActivationBackward(dy.device(), y.device(), rows, channels, spatial, activation,
                dBias.device());
        pair.reference.channelActivationBackward(dy.reference(), y.reference(), rows, channels, spatial, activation,
                dBias.reference());
        String what = "channelActivationBackward " + activation + " " + rows + "x" + channels + "x" + spatial;
        pair.assertClose(what + " dy", dy, activation == Activation.TANH ? TANH : Tolerance.EXACT);
        // each channel's sum has rows * spatial terms, added in another order than the reference's (64x32x196
        // on the GPU-rounding emulator, 30 runs: at most 6.6% of the tolerance used)
        pair.assertClose(what + " dBias", dBias, sumOf(rows * spatial));
    }

    /** The sigmoid over n elements. */
    public static void sigmoid(BackendPair pair, int n) {
        Twin x = pair.uniformWithEdges(n, -30, 30, LARGE), out = pair.filled(n, Float.NaN);
        pair.device.sigmoid(x.device(), out.device(), n);
        pair.reference.sigmoid(x.reference(), out.reference(), n);
        pair.assertClose("sigmoid", out, SIGMOID);
    }

    /**
     * The head's bias added in place, eps from Philox at the state's step, z = mu + sigma eps;
     * then the backward pass into (mu, logvar) and the head's bias gradient.
     */
    public static void reparameterizeAndBackward(BackendPair pair, int rows, int latent) {
        int n = rows * latent;
        Twin meanLogvar = pair.uniform(2 * n, -2, 2), headBias = pair.uniform(2 * latent, -1, 1);
        Twin eps = pair.filled(n, Float.NaN), z = pair.filled(n, Float.NaN);
        long seed = pair.random.nextLong();
        TwinState state = pair.twinState((1L << 33) + pair.random.nextInt(1 << 20), 0);
        pair.device.reparameterize(meanLogvar.device(), headBias.device(), eps.device(), z.device(), rows, latent,
                seed, 3, state.device());
        pair.reference.reparameterize(meanLogvar.reference(), headBias.reference(), eps.reference(), z.reference(),
                rows, latent, seed, 3, state.reference());
        pair.assertClose("reparameterize meanLogvar + headBias", meanLogvar, Tolerance.EXACT);
        pair.assertClose("reparameterize eps", eps, EPS);
        // eps's tolerance times sigma = expf(logvar / 2) <= e^1.5 (EXPF ulps), plus mu
        pair.assertClose("reparameterize z", z, new Tolerance(1e-5, 1e-5));

        Twin dz = pair.uniform(n, -1, 1), dMeanLogvar = pair.uniform(2 * n, -1, 1);
        Twin dHeadBias = pair.filled(2 * latent, Float.NaN);
        pair.device.reparameterizeBackward(dz.device(), eps.device(), meanLogvar.device(), dMeanLogvar.device(),
                dHeadBias.device(), rows, latent);
        pair.reference.reparameterizeBackward(dz.reference(), eps.reference(), meanLogvar.reference(),
                dMeanLogvar.reference(), dHeadBias.reference(), rows, latent);
        pair.assertClose("reparameterizeBackward dMeanLogvar (accumulates)", dMeanLogvar, new Tolerance(1e-5, 1e-5));
        pair.assertClose("reparameterizeBackward dHeadBias", dHeadBias, sumOf(4 * rows));
    }

    /**
     * The fused reconstruction + beta KL loss: the output bias added in place, the gradients
     * and the bias gradient; then that both advanced the step state alike (eps drawn after it).
     */
    public static void lossAndGradients(BackendPair pair, LossKind kind, int rows, int pixels, int latent) {
        Twin logits = pair.uniformWithEdges(rows * pixels, -12, 12, LARGE), outputBias = pair.uniform(pixels, -1, 1);
        Twin target = pair.uniform(rows * pixels, 0, 1), meanLogvar = pair.uniform(2 * rows * latent, -3, 3);
        Twin dLogits = pair.filled(rows * pixels, Float.NaN), dOutputBias = pair.filled(pixels, Float.NaN);
        Twin dMeanLogvar = pair.filled(2 * rows * latent, Float.NaN);
        TwinLossSum lossSum = pair.twinLossSum(5);
        TwinState state = pair.twinState(pair.random.nextInt(1 << 20), 0);
        float beta = 0.75f;
        String what = kind + " " + rows + "x" + pixels + " latent " + latent;
        pair.device.lossAndGradients(kind, logits.device(), outputBias.device(), target.device(), meanLogvar.device(),
                beta, rows, pixels, latent, dLogits.device(), dOutputBias.device(), dMeanLogvar.device(),
                lossSum.device(), state.device());
        pair.reference.lossAndGradients(kind, logits.reference(), outputBias.reference(), target.reference(),
                meanLogvar.reference(), beta, rows, pixels, latent, dLogits.reference(), dOutputBias.reference(),
                dMeanLogvar.reference(), lossSum.reference(), state.reference());
        pair.assertClose(what + " logits + outputBias", logits, Tolerance.EXACT);
        pair.assertClose(what + " dLogits", dLogits, new Tolerance(1e-6, 1e-5));
        pair.assertClose(what + " dOutputBias", dOutputBias, sumOf(rows));
        pair.assertClose(what + " dMeanLogvar", dMeanLogvar, new Tolerance(1e-6, 1e-5));
        // float partial sums per block, added in block order, against per-thread double sums (lossSum starts at 5)
        pair.assertClose(what + " lossSum", lossSum, new Tolerance(1e-4, 1e-5));

        Twin eps = pair.filled(latent, Float.NaN), z = pair.filled(latent, Float.NaN);
        Twin oneRow = pair.uniform(2 * latent, -1, 1), noBias = pair.filled(2 * latent, 0f);
        pair.device.reparameterize(oneRow.device(), noBias.device(), eps.device(), z.device(), 1, latent, 7, 0,
                state.device());
        pair.reference.reparameterize(oneRow.reference(), noBias.reference(), eps.reference(), z.reference(), 1,
                latent, 7, 0, state.reference());
        pair.assertClose(what + " eps after the loss advanced the step", eps, EPS);
    }

    /** One Adam update of n parameters at update number {@code step} (the state's stepsDone). */
    public static void adam(BackendPair pair, int n, long step) {
        Twin params = pair.uniform(n, -1, 1), grads = pair.uniformWithEdges(n, -1, 1, ADAM_GRADIENT_EDGES);
        Twin m = pair.uniformWithEdges(n, -0.1f, 0.1f, ADAM_MOMENT_EDGES);
        Twin v = pair.uniformWithEdges(n, 0, 0.01f, ADAM_MOMENT_EDGES);
        TwinState state = pair.twinState(step, 0);
        Twin[] updated = {params, m, v};
        AdamTolerance tolerance = new AdamTolerance(pair.reference.download(params.reference()),
                pair.reference.download(m.reference()), pair.reference.download(v.reference()),
                pair.reference.download(grads.reference()), step, 1e-3f, 0.9f, 0.999f, 1e-8f);
        pair.device.adam(params.device(), grads.device(), m.device(), v.device(), n, 1e-3f, 0.9f, 0.999f, 1e-8f,
                state.device());
        pair.reference.adam(params.reference(), grads.reference(), m.reference(), v.reference(), n,
                1e-3f, 0.9f, 0.999f, 1e-8f, state.reference());
        float[][] expected = new float[3][], actual = new float[3][];
        for (int k = 0; k < updated.length; k++) {
            expected[k] = pair.reference.download(updated[k].reference());
            actual[k] = pair.device.download(updated[k].device());
        }
        pair.record(tolerance.assertClose(pair.named("adam step " + step), expected, actual));
        pair.assertZerosAgree("adam m", m);
        pair.assertZerosAgree("adam v", v);
    }

    /**
     * A batch gathered through a permutation at the state's batch position, scaled to [0, 1],
     * plain and binarised; the order ends inside the batch, whose rows past it stay untouched.
     */
    public static void gatherBatch(BackendPair pair, int rows, int pixels) {
        int count = rows + 5, batchInEpoch = pair.random.nextInt(3);
        byte[] images = new byte[count * pixels];
        pair.random.nextBytes(images);
        int[] order = new int[batchInEpoch * rows + rows - pair.random.nextInt(Math.min(rows, 3))];
        for (int i = 0; i < order.length; i++) {
            order[i] = pair.random.nextInt(count);
        }
        DeviceImages deviceImages = pair.device.uploadImages(images, count, pixels);
        DeviceImages referenceImages = pair.reference.uploadImages(images, count, pixels);
        DeviceIndices deviceOrder = pair.device.allocateIndices(order.length);
        DeviceIndices referenceOrder = pair.reference.allocateIndices(order.length);
        pair.device.upload(order, deviceOrder);
        pair.reference.upload(order, referenceOrder);
        for (boolean binarize : new boolean[] {false, true}) {
            Twin x = pair.filled(rows * pixels, Float.NaN);
            long seed = pair.random.nextLong();
            TwinState state = pair.twinState(pair.random.nextInt(1 << 20), batchInEpoch);
            pair.device.gatherBatch(deviceImages, deviceOrder, rows, rows, x.device(), binarize, seed, 2,
                    state.device());
            pair.reference.gatherBatch(referenceImages, referenceOrder, rows, rows, x.reference(), binarize,
                    seed, 2, state.reference());
            // the same float product and the same Philox bits: identical, binarised pixels included
            pair.assertClose("gatherBatch binarize=" + binarize, x, Tolerance.EXACT);
        }
    }

    /** One of the convolution calls, on {@code backend}: two inputs, one output. */
    @FunctionalInterface
    private interface ConvCall {
        void run(Backend backend, DeviceBuffer a, DeviceBuffer b, DeviceBuffer out);
    }

    /**
     * {@code call} on inputs of the given lengths, uniform in [-1, 1), over a NaN-filled output (which
     * it overwrites); each output is a dot product of at most {@code depth} products, rounded as a GEMM
     * of that depth is (the CPU backend runs each convolution as GEMMs, cuDNN in its own orders).
     */
    private static void convolution(BackendPair pair, GemmPrecision precision, String what, int aLength, int bLength,
                                    int outLength, int depth, ConvCall call) {
        Twin a = pair.uniform(aLength, -1, 1), b = pair.uniform(bLength, -1, 1), out = pair.filled(outLength, Float.NaN);
        call.run(pair.device, a.device(), b.device(), out.device());
        call.run(pair.reference, a.reference(), b.reference(), out.reference());
        pair.assertClose(what, out, precision.tolerance(depth));
    }

    /** The three convolution calls of {@code shape} over {@code rows} images, each on fresh inputs. */
    public static void convolutions(BackendPair pair, GemmPrecision precision, ConvShape shape, int rows) {
        convForward(pair, precision, shape, rows);
        convBackwardData(pair, precision, shape, rows);
        convBackwardFilter(pair, precision, shape, rows);
    }

    /** y = x convolved with w over {@code rows} images: each output sums inChannels * kernel^2 products (fewer at a padded border). */
    public static void convForward(BackendPair pair, GemmPrecision precision, ConvShape shape, int rows) {
        convolution(pair, precision, "convForward " + shape + ", " + rows + " images", rows * shape.inputSize(),
                shape.weightSize(), rows * shape.outputSize(), shape.inChannels() * shape.kernel() * shape.kernel(),
                (backend, x, w, y) -> backend.convForward(shape, x, w, y, rows));
    }

    /**
     * dx from dy and w (a transposed convolution): an input element is under at most ceil(kernel /
     * stride)^2 taps of each output channel's windows, so it sums that many products per channel.
     */
    public static void convBackwardData(BackendPair pair, GemmPrecision precision, ConvShape shape, int rows) {
        int taps = (shape.kernel() + shape.stride() - 1) / shape.stride();
        convolution(pair, precision, "convBackwardData " + shape + ", " + rows + " images", rows * shape.outputSize(),
                shape.weightSize(), rows * shape.inputSize(), shape.outChannels() * taps * taps,
                (backend, dy, w, dx) -> backend.convBackwardData(shape, dy, w, dx, rows));
    }

    /** dw from x and dy, summed over the images: each weight sums rows * outHeight * outWidth products. */
    public static void convBackwardFilter(BackendPair pair, GemmPrecision precision, ConvShape shape, int rows) {
        convolution(pair, precision, "convBackwardFilter " + shape + ", " + rows + " images", rows * shape.inputSize(),
                rows * shape.outputSize(), shape.weightSize(), rows * shape.outHeight() * shape.outWidth(),
                (backend, x, dy, dw) -> backend.convBackwardFilter(shape, x, dy, dw, rows));
    }

    /** C = alpha op(A) op(B) + beta C with leading dimensions larger than the rows, over a NaN-filled C. */
    public static void gemm(BackendPair pair, GemmPrecision precision, boolean transA, boolean transB, int m, int n, int k) {
        // leading dimensions larger than the rows, as when a matrix is a block of a bigger one
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aRows + 3, ldb = bRows + 1, ldc = m + 2;
        Twin a = pair.uniform(lda * aCols, -1, 1), b = pair.uniform(ldb * bCols, -1, 1);
        Tolerance tolerance = precision.tolerance(k);

        Twin c = pair.filled(ldc * n, Float.NaN);
        pair.device.gemm(transA, transB, m, n, k, 0.5f, a.device(), lda, b.device(), ldb, 0f, c.device(), ldc);
        pair.reference.gemm(transA, transB, m, n, k, 0.5f, a.reference(), lda, b.reference(), ldb, 0f,
                c.reference(), ldc);
        // beta 0 overwrites: the NaNs in C are never read (and the rows past m stay NaN on both sides)
        pair.assertClose("C = 0.5 op(A) op(B) over NaN", c, tolerance);

        pair.device.gemm(transA, transB, m, n, k, -1f, a.device(), lda, b.device(), ldb, 1f, c.device(), ldc);
        pair.reference.gemm(transA, transB, m, n, k, -1f, a.reference(), lda, b.reference(), ldb, 1f,
                c.reference(), ldc);
        pair.assertClose("C = -op(A) op(B) + C", c, tolerance);
    }
}
