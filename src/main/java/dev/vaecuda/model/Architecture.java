package dev.vaecuda.model;

/**
 * The encoder's and decoder's kind: dense layers only (PyTorch's example), or stride-2
 * convolutions that halve the image, mirrored by transposed convolutions (Keras's and
 * Pythae's conv VAEs), with dense layers between the flattened map and the latent space.
 */
public enum Architecture {
    MLP, CONV;

    /** As the command line and config.json spell it. */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
