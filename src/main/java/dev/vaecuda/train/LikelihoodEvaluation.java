package dev.vaecuda.train;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.Philox;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.ElboTerms;
import dev.vaecuda.model.LogMeanExp;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * `eval`: per test image, the loss as training computes it, the negative ELBO, and the
 * importance-weighted estimate of -log p(x) of Burda et al. (2016) with K samples,
 * -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x); and the active units of the latent
 * space, those u with Cov_x(E_q(u|x)[u]) > 0.01 (Burda et al., section 5.2: the variance over the
 * test images of the posterior mean). K = 1 gives the negative ELBO with the KL term in closed form,
 * as training computes it (Kingma and Welling's second estimator).
 *
 * <p>The loss and the ELBO: the backend encodes, draws z and decodes batch by batch, keyed as in
 * {@link Trainer#evaluate} (batches, binarisation, eps), so on the test set of training the loss
 * equals the one training reported for {@code epoch}; the per-image terms are computed on the host
 * ({@link ElboTerms}). For K > 1 the samples are decoded many at a time: {@code rowsPerPass}
 * (image, sample) pairs in one pass, image after image, sample k of image i drawn from
 * {@link RngStreams#IMPORTANCE_EPS} at counter i + 1, elements [k * latent, (k + 1) * latent), so the
 * estimate does not depend on how the pairs are split into passes.
 */
public final class LikelihoodEvaluation {
    /** Burda et al.'s threshold on a unit's Cov_x(E_q[u]) for it to count as active. */
    public static final double ACTIVE_UNIT_VARIANCE = 0.01;
    /** (image, sample) pairs decoded in one pass: wide enough for the GEMMs to run near their peak. */
    public static final int DEFAULT_ROWS_PER_PASS = 1000;

    /** Told after each pass of importance samples. */
    @FunctionalInterface
    public interface Progress {
        void samplesDone(long done, long total);
    }

    /**
     * Per-image figures, in nats; index i is test image i. {@code dimensions}: an image's C x H x W.
     * {@code unitVariances}: Cov_x(E_q[u]) per latent unit.
     */
    public record Result(int samples, int dimensions, double[] loss, double[] negativeElbo,
                         double[] negativeLogLikelihood, double[] unitVariances) {
        public double meanLoss() {
            return Arrays.stream(loss).average().orElseThrow();
        }

        public double meanNegativeElbo() {
            return Arrays.stream(negativeElbo).average().orElseThrow();
        }

        public double meanNegativeLogLikelihood() {
            return Arrays.stream(negativeLogLikelihood).average().orElseThrow();
        }

        /** {@code nats} of one image in bits per dimension: nats / (C x H x W x ln 2). */
        public double bitsPerDimension(double nats) {
            return nats / (dimensions * Math.log(2));
        }

        /** Latent units whose posterior mean varies over the test images by more than {@link #ACTIVE_UNIT_VARIANCE}. */
        public int activeUnits() {
            return (int) Arrays.stream(unitVariances).filter(v -> v > ACTIVE_UNIT_VARIANCE).count();
        }
    }

    private final Backend backend;
    private final Vae vae;
    private final int rowsPerPass;
    private final DeviceStepState state;
    /** The model again for passes of up to {@code rowsPerPass} importance samples, made when first needed. */
    private Vae wide;

    public LikelihoodEvaluation(Backend backend, Vae vae) {
        this(backend, vae, DEFAULT_ROWS_PER_PASS);
    }

    public LikelihoodEvaluation(Backend backend, Vae vae, int rowsPerPass) {
        if (rowsPerPass < 1) {
            throw new IllegalArgumentException("rows per pass must be >= 1, got " + rowsPerPass);
        }
        this.backend = backend;
        this.vae = vae;
        this.rowsPerPass = rowsPerPass;
        this.state = backend.allocateStepState();
    }

    public Result run(ImageSet test, int samples, boolean binarize, long seed, int epoch) {
        return run(test, samples, binarize, seed, epoch, (done, total) -> { });
    }

    public Result run(ImageSet test, int samples, boolean binarize, long seed, int epoch, Progress progress) {
        int n = test.count();
        DeviceImages images = backend.uploadImages(test.pixels(), n, vae.config().pixels());
        DeviceIndices order = backend.allocateIndices(n);
        backend.upload(IntStream.range(0, n).toArray(), order);
        return run(n, samples, seed, epoch, progress, (first, rows) -> backend.gatherBatch(images, order,
                vae.capacity(), rows, vae.input(), binarize, seed, RngStreams.EVAL_BINARIZE, state));
    }

    /**
     * As {@link #run(ImageSet, int, boolean, long, int)} on the {@code n} images of {@code x}, (n,
     * pixels) row-major intensities, as they are: the figures of a test set of their bytes / 255
     * without binarisation.
     */
    public Result run(float[] x, int n, int samples, long seed, int epoch) {
        int pixels = vae.config().pixels();
        return run(n, samples, seed, epoch, (done, total) -> { }, (first, rows) -> backend.upload(
                Arrays.copyOfRange(x, first * pixels, (first + rows) * pixels), vae.input().slice(0, rows * pixels)));
    }

    /** Puts images [first, first + rows) of the evaluated set into the model's input, after the batch's step state is set. */
    @FunctionalInterface
    private interface BatchInput {
        void load(int first, int rows);
    }

    private Result run(int n, int samples, long seed, int epoch, Progress progress, BatchInput input) {
        ModelConfig config = vae.config();
        if (samples < 1 || samples > Integer.MAX_VALUE / config.latent()) {
            throw new IllegalArgumentException("samples must be 1.." + Integer.MAX_VALUE / config.latent()
                    + " (Philox element indices of k * latent), got " + samples);
        }
        int pixels = config.pixels(), latent = config.latent(), capacity = vae.capacity();
        double[] loss = new double[n], negativeElbo = new double[n];
        // every test image as the model saw it, and its (mu, logvar): the importance samples reuse them
        float[] x = new float[n * pixels], meanLogvar = new float[n * 2 * latent];
        float[] logits = new float[capacity * pixels];
        for (int batch = 0, first = 0; first < n; batch++, first += capacity) {
            int rows = Math.min(capacity, n - first), base = first;
            long counter = RngStreams.evalCounter(epoch, batch);
            // the batch position and counter of Trainer.evaluate's batch, so that K = 1 repeats its test loss
            backend.setStepState(state, counter - 1, batch);
            input.load(first, rows);
            download(vae.input(), x, base * pixels, rows * pixels);
            vae.encode(rows);
            download(vae.meanLogvar(), meanLogvar, base * 2 * latent, rows * 2 * latent);
            vae.sampleLatent(rows, seed, RngStreams.EVAL_EPS, counter);
            vae.decode(rows);
            download(vae.logits(), logits, 0, rows * pixels);
            IntStream.range(0, rows).parallel().forEach(r -> {
                int i = base + r;
                double reconstruction = ElboTerms.reconstruction(config.loss(), logits, r * pixels, x, i * pixels, pixels);
                double kl = ElboTerms.klToStandardNormal(meanLogvar, i * 2 * latent, latent);
                loss[i] = reconstruction + config.beta() * kl;
                negativeElbo[i] = reconstruction + kl;
            });
        }
        double[] negativeLogLikelihood = samples == 1 ? negativeElbo.clone()
                : importanceWeighted(x, meanLogvar, n, samples, seed, progress);
        return new Result(samples, pixels, loss, negativeElbo, negativeLogLikelihood, unitVariances(meanLogvar, n, latent));
    }

    /** -log (1/K) sum_k w_k per image, from the log-weights as they come. */
    private double[] importanceWeighted(float[] x, float[] meanLogvar, int n, int samples, long seed, Progress progress) {
        ModelConfig config = vae.config();
        int pixels = config.pixels(), latent = config.latent();
        int rows = (int) Math.min(rowsPerPass, (long) n * samples);
        if (wide == null || wide.capacity() < rows) {
            // grown at least twofold, so that a backend which frees buffers only at close holds a few at most
            wide = new Vae(backend, config, Math.min(rowsPerPass, Math.max(rows, wide == null ? 0 : 2 * wide.capacity())));
        }
        float[] params = new float[vae.parameterCount()];
        backend.download(vae.parameters(), params);
        backend.upload(params, wide.parameters());
        float[] z = new float[rows * latent], eps = new float[rows * latent], logits = new float[rows * pixels];
        int[] image = new int[rows], sample = new int[rows];
        double[] logWeight = new double[rows];
        LogMeanExp[] perImage = new LogMeanExp[n];
        Arrays.setAll(perImage, i -> new LogMeanExp());
        long total = (long) n * samples;
        ThreadLocal<Philox.Blocks> philoxBlocks = ThreadLocal.withInitial(Philox.Blocks::new);
        for (long pair = 0; pair < total; ) {
            // this pass's pairs, image after image
            int filled = 0;
            for (; filled < rows && pair < total; filled++, pair++) {
                image[filled] = (int) (pair / samples);
                sample[filled] = (int) (pair % samples);
            }
            IntStream.range(0, filled).parallel().forEach(r -> {
                int i = image[r];
                Philox.normals(seed, RngStreams.IMPORTANCE_EPS, i + 1L, sample[r] * latent, latent, eps, r * latent,
                        philoxBlocks.get());
                for (int j = 0; j < latent; j++) {
                    float mu = meanLogvar[i * 2 * latent + j], logvar = meanLogvar[i * 2 * latent + latent + j];
                    z[r * latent + j] = mu + (float) Math.exp(0.5f * logvar) * eps[r * latent + j];
                }
            });
            backend.upload(z, wide.latent().slice(0, z.length));
            wide.decode(filled);
            download(wide.logits(), logits, 0, filled * pixels);
            IntStream.range(0, filled).parallel().forEach(r -> {
                int i = image[r];
                logWeight[r] = -ElboTerms.reconstruction(config.loss(), logits, r * pixels, x, i * pixels, pixels)
                        + ElboTerms.logPriorOverPosterior(z, r * latent, eps, r * latent, meanLogvar, i * 2 * latent, latent);
            });
            for (int r = 0; r < filled; r++) {
                perImage[image[r]].add(logWeight[r]);
            }
            progress.samplesDone(pair, total);
        }
        return Arrays.stream(perImage).mapToDouble(weights -> -weights.value()).toArray();
    }

    /** Per latent unit, the variance over the images of its posterior mean mu (population variance, in double). */
    private static double[] unitVariances(float[] meanLogvar, int n, int latent) {
        double[] mean = new double[latent], variance = new double[latent];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < latent; j++) {
                mean[j] += meanLogvar[i * 2 * latent + j];
            }
        }
        for (int j = 0; j < latent; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < latent; j++) {
                double d = meanLogvar[i * 2 * latent + j] - mean[j];
                variance[j] += d * d;
            }
        }
        for (int j = 0; j < latent; j++) {
            variance[j] /= n;
        }
        return variance;
    }

    /** {@code count} floats from the start of a backend buffer into {@code host} at {@code at}. */
    private void download(DeviceBuffer buffer, float[] host, int at, int count) {
        float[] part = at == 0 && count == host.length ? host : new float[count];
        backend.download(buffer.slice(0, count), part);
        if (part != host) {
            System.arraycopy(part, 0, host, at, count);
        }
    }
}
