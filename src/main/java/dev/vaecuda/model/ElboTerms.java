package dev.vaecuda.model;

import dev.vaecuda.backend.LossKind;

/**
 * The terms of the ELBO and of the importance weights for one image, on the host in double
 * precision, for evaluation. The reconstruction term is the one training minimises, per image:
 * for BCE, -log p(x|z) of a Bernoulli decoder (exact for binarised x); for MSE, the squared
 * error of sigmoid(logits), which is -log p(x|z) of a Gaussian decoder with variance 1/2 up to
 * the constant (pixels/2) log(pi), left out so that figures match the training loss.
 */
public final class ElboTerms {
    private ElboTerms() {
    }

    /** Pixels whose factors 1 + exp(-|l|), each at most 2, are multiplied before one log: 2^512 fits a double. */
    private static final int PRODUCT_RUN = 512;

    /**
     * -log p(x|z) from the decoder's logits, summed over pixels, as the training loss counts it. BCE in
     * its softplus form, so no probability is rounded to 0 or 1 before the log: max(l, 0) - l t +
     * log(1 + exp(-|l|)), the last terms multiplied into one log per run of pixels (this is the inner
     * loop of `eval --iw-samples`: one exp per pixel, not an exp and a log1p).
     */
    public static double reconstruction(LossKind kind, float[] logits, int lo, float[] x, int xo, int pixels) {
        double sum = 0.0;
        if (kind == LossKind.BCE) {
            for (int start = 0; start < pixels; start += PRODUCT_RUN) {
                double product = 1.0;
                for (int i = start, end = Math.min(pixels, start + PRODUCT_RUN); i < end; i++) {
                    double l = logits[lo + i];
                    sum += Math.max(l, 0.0) - l * x[xo + i];
                    product *= 1.0 + Math.exp(-Math.abs(l));
                }
                sum += Math.log(product);
            }
            return sum;
        }
        for (int i = 0; i < pixels; i++) {
            double diff = 1.0 / (1.0 + Math.exp(-logits[lo + i])) - x[xo + i];
            sum += diff * diff;
        }
        return sum;
    }

    /** KL(N(mu, exp(logvar)) || N(0, I)); meanLogvar[mo ..] holds mu (latent) then logvar (latent). */
    public static double klToStandardNormal(float[] meanLogvar, int mo, int latent) {
        double kl = 0.0;
        for (int j = 0; j < latent; j++) {
            double mu = meanLogvar[mo + j], logvar = meanLogvar[mo + latent + j];
            kl += -0.5 * (1.0 + logvar - mu * mu - Math.exp(logvar));
        }
        return kl;
    }

    /**
     * log p(z) - log q(z|x) at z = mu + exp(0.5 logvar) * eps: with p = N(0, I) and
     * q = N(mu, exp(logvar)), the 2 pi terms cancel and (z - mu)^2 / var = eps^2.
     */
    public static double logPriorOverPosterior(float[] z, int zo, float[] eps, int eo, float[] meanLogvar, int mo, int latent) {
        double sum = 0.0;
        for (int j = 0; j < latent; j++) {
            double zj = z[zo + j], ej = eps[eo + j];
            sum += -0.5 * zj * zj + 0.5 * ej * ej + 0.5 * meanLogvar[mo + latent + j];
        }
        return sum;
    }
}
