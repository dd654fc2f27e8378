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

    /** -log p(x|z) from the decoder's logits, summed over pixels, as the training loss counts it. */
    public static double reconstruction(LossKind kind, float[] logits, int lo, float[] x, int xo, int pixels) {
        double sum = 0.0;
        for (int i = 0; i < pixels; i++) {
            double l = logits[lo + i], t = x[xo + i];
            if (kind == LossKind.BCE) {
                // softplus form: no probability is rounded to 0 or 1 before the log
                sum += Math.max(l, 0.0) - l * t + Math.log1p(Math.exp(-Math.abs(l)));
            } else {
                double diff = 1.0 / (1.0 + Math.exp(-l)) - t;
                sum += diff * diff;
            }
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

    /** log((1/n) sum exp(values[i])) over the first n values, without overflow or underflow. */
    public static double logMeanExp(double[] values, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, values[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(values[i] - max);
        }
        return max + Math.log(sum / n);
    }
}
