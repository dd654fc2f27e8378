package dev.vaecuda.api;

/**
 * The posterior q(z|x) = N(mean, exp(logVariance)) of each encoded image, one row per image.
 *
 * @param mean        the posterior means: one row of {@link ModelShape#latent()} values per image
 * @param logVariance the logarithms of the posterior variances, shaped as {@code mean}
 */
public record Encoding(float[][] mean, float[][] logVariance) {
}
