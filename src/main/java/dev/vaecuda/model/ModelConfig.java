package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The shape and objective of an MLP VAE: x(pixels) -> hidden... -> (mu, logvar)(latent each)
 * -> z -> hidden reversed... -> logits(pixels), with {@code activation} (ReLU or tanh) after every
 * hidden layer. Images are imageHeight x imageWidth.
 */
public record ModelConfig(int imageHeight, int imageWidth, List<Integer> hidden, int latent,
                          LossKind loss, float beta, Activation activation) {
    /** The widest layer accepted (pixels of an image, hidden or latent units); counts of such layers fit a long. */
    public static final int MAX_LAYER_WIDTH = 1 << 24;

    public ModelConfig {
        java.util.Objects.requireNonNull(hidden, "hidden sizes are missing");
        java.util.Objects.requireNonNull(loss, "loss kind is missing");
        java.util.Objects.requireNonNull(activation, "activation is missing");
        if (activation == Activation.IDENTITY) {
            throw new IllegalArgumentException("the hidden layers' activation must be RELU or TANH, got " + activation);
        }
        hidden = List.copyOf(hidden);
        if (imageHeight < 1 || imageWidth < 1 || (long) imageHeight * imageWidth > MAX_LAYER_WIDTH) {
            throw new IllegalArgumentException("image size must be positive and at most " + MAX_LAYER_WIDTH
                    + " pixels, got " + imageHeight + "x" + imageWidth);
        }
        if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1 || h > MAX_LAYER_WIDTH)) {
            throw new IllegalArgumentException("hidden sizes must be 1.." + MAX_LAYER_WIDTH + ", got " + hidden);
        }
        if (latent < 1 || latent > MAX_LAYER_WIDTH) {
            throw new IllegalArgumentException("latent size must be 1.." + MAX_LAYER_WIDTH + ", got " + latent);
        }
        if (!(beta >= 0f) || Float.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        }
    }

    /** With ReLU hidden layers, as PyTorch's example and the configurations written before --activation. */
    public ModelConfig(int imageHeight, int imageWidth, List<Integer> hidden, int latent, LossKind loss, float beta) {
        this(imageHeight, imageWidth, hidden, latent, loss, beta, Activation.RELU);
    }

    public int pixels() {
        return imageHeight * imageWidth;
    }

    /** The encoder's layer sizes: pixels, hidden..., 2 * latent (mu and logvar side by side). */
    public int[] encoderSizes() {
        return IntStream.concat(IntStream.concat(IntStream.of(pixels()), hidden.stream().mapToInt(Integer::intValue)),
                IntStream.of(2 * latent)).toArray();
    }

    /** The decoder's layer sizes: latent, hidden reversed..., pixels. */
    public int[] decoderSizes() {
        return IntStream.concat(IntStream.concat(IntStream.of(latent),
                hidden.reversed().stream().mapToInt(Integer::intValue)), IntStream.of(pixels())).toArray();
    }

    /** Weights and biases of encoder and decoder, counted in long, so that a shape too large for a buffer shows. */
    public long parameterCount() {
        return Mlp.parameterCount(encoderSizes()) + Mlp.parameterCount(decoderSizes());
    }

    /** Floats of the largest activation buffer for batches of {@code rows}: rows times the widest layer. */
    public long activationFloats(int rows) {
        return (long) rows * IntStream.concat(IntStream.of(encoderSizes()), IntStream.of(decoderSizes())).max().orElseThrow();
    }

    /** PyTorch's examples/vae: 784-400-20, BCE, beta 1. */
    public static ModelConfig pytorchExample() {
        return new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f);
    }
}
