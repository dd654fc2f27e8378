package dev.vaecuda.backend;

/** The reconstruction term of the VAE loss. */
public enum LossKind {
    /** Bernoulli decoder: binary cross-entropy with logits, summed over pixels. */
    BCE,
    /** Gaussian decoder with unit variance up to a constant: squared error of sigmoid(logits), summed over pixels. */
    MSE
}
