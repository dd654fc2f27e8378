package dev.vaecuda.train;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.ElboTerms;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * `eval`: per test image, the loss as training computes it, the negative ELBO, and the
 * importance-weighted estimate of -log p(x) of Burda et al. (2015) with K samples,
 * -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x). K = 1 gives the negative ELBO with
 * the KL term in closed form, as training computes it (Kingma and Welling's second estimator).
 *
 * <p>The backend encodes, draws z and decodes; the per-image terms are computed on the host
 * ({@link ElboTerms}). Batches, binarisation and sample 0's eps are keyed as in
 * {@link Trainer#evaluate}, so on the test set of training the loss equals the one training
 * reported for {@code epoch}; samples 1..K-1 draw from {@link RngStreams#IMPORTANCE_EPS}.
 */
public final class LikelihoodEvaluation {

    /** Per-image figures, in nats; index i is test image i. */
    public record Result(int samples, double[] loss, double[] negativeElbo, double[] negativeLogLikelihood) {
        public double meanLoss() {
            return Arrays.stream(loss).average().orElseThrow();
        }

        public double meanNegativeElbo() {
            return Arrays.stream(negativeElbo).average().orElseThrow();
        }

        public double meanNegativeLogLikelihood() {
            return Arrays.stream(negativeLogLikelihood).average().orElseThrow();
        }
    }

    private final Backend backend;
    private final Vae vae;

    public LikelihoodEvaluation(Backend backend, Vae vae) {
        this.backend = backend;
        this.vae = vae;
    }

    public Result run(ImageSet test, int samples, boolean binarize, long seed, int epoch) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        ModelConfig config = vae.config();
        int n = test.count(), pixels = config.pixels(), latent = config.latent(), capacity = vae.capacity();
        DeviceImages images = backend.uploadImages(test.pixels(), n, pixels);
        DeviceIndices order = backend.allocateIndices(n);
        backend.upload(IntStream.range(0, n).toArray(), order);
        DeviceStepState state = backend.allocateStepState();
        double[] loss = new double[n], negativeElbo = new double[n], negativeLogLikelihood = new double[n];
        float[] x = new float[capacity * pixels], meanLogvar = new float[capacity * 2 * latent];
        float[] logits = new float[capacity * pixels], z = new float[capacity * latent], eps = new float[capacity * latent];
        double[][] logWeights = new double[capacity][samples];
        for (int batch = 0, first = 0; first < n; batch++, first += capacity) {
            int rows = Math.min(capacity, n - first), base = first;
            long counter = RngStreams.evalCounter(epoch, batch);
            // the batch position and counter of Trainer.evaluate's batch, so that K = 1 repeats its test loss
            backend.setStepState(state, counter - 1, batch);
            backend.gatherBatch(images, order, capacity, rows, vae.input(), binarize, seed, RngStreams.EVAL_BINARIZE, state);
            download(vae.input(), x, rows * pixels);
            vae.encode(rows);
            download(vae.meanLogvar(), meanLogvar, rows * 2 * latent);
            for (int k = 0; k < samples; k++) {
                if (k == 0) {
                    vae.sampleLatent(rows, seed, RngStreams.EVAL_EPS, counter);
                } else {
                    vae.sampleLatent(rows, seed, RngStreams.IMPORTANCE_EPS, ((long) k << 32) | batch);
                }
                vae.decode(rows);
                download(vae.logits(), logits, rows * pixels);
                download(vae.latent(), z, rows * latent);
                download(vae.noise(), eps, rows * latent);
                int sample = k;
                IntStream.range(0, rows).parallel().forEach(r -> {
                    double reconstruction = ElboTerms.reconstruction(config.loss(), logits, r * pixels, x, r * pixels, pixels);
                    if (sample == 0) {
                        double kl = ElboTerms.klToStandardNormal(meanLogvar, r * 2 * latent, latent);
                        loss[base + r] = reconstruction + config.beta() * kl;
                        negativeElbo[base + r] = reconstruction + kl;
                    }
                    logWeights[r][sample] = -reconstruction
                            + ElboTerms.logPriorOverPosterior(z, r * latent, eps, r * latent, meanLogvar, r * 2 * latent, latent);
                });
            }
            for (int r = 0; r < rows; r++) {
                negativeLogLikelihood[base + r] = samples == 1 ? negativeElbo[base + r]
                        : -ElboTerms.logMeanExp(logWeights[r], samples);
            }
        }
        return new Result(samples, loss, negativeElbo, negativeLogLikelihood);
    }

    /** The first {@code count} floats of a backend buffer into {@code host}. */
    private void download(DeviceBuffer buffer, float[] host, int count) {
        float[] part = count == host.length ? host : new float[count];
        backend.download(buffer.slice(0, count), part);
        if (part != host) {
            System.arraycopy(part, 0, host, 0, count);
        }
    }
}
