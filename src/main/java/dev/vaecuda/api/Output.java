package dev.vaecuda.api;

/** What {@link VaeModel#decode} returns for each pixel. */
public enum Output {
    /** The decoder's raw outputs, any real number. */
    LOGITS,
    /** sigmoid of the logits, in [0, 1]: the decoder's mean image, as the command line draws it. */
    PROBABILITIES
}
