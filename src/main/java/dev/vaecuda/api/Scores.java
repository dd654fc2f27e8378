package dev.vaecuda.api;

/**
 * How unusual each scored image is to the model, in nats (higher: more unusual); the figures that
 * {@code eval --out} writes per test image.
 *
 * @param negativeElbo          per image, the negative evidence lower bound: the reconstruction
 *                              term for one z drawn from q(z|x) plus the KL divergence of q(z|x)
 *                              from N(0, I)
 * @param negativeLogLikelihood per image, the importance-weighted estimate of -log p(x) (Burda et
 *                              al., 2016) with {@code importanceSamples} samples of z; with one
 *                              sample it equals {@code negativeElbo}
 * @param importanceSamples     the samples K of z per image behind {@code negativeLogLikelihood}
 */
public record Scores(double[] negativeElbo, double[] negativeLogLikelihood, int importanceSamples) {
}
