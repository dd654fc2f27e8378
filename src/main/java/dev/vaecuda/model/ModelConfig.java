package dev.vaecuda.model;

import dev.vaecuda.backend.LossKind;
import java.util.List;

/**
 * The shape and objective of an MLP VAE: x(pixels) -> hidden... -> (mu, logvar)(latent each)
 * -> z -> hidden reversed... -> logits(pixels). Images are imageHeight x imageWidth.
 */
public record ModelConfig(int imageHeight, int imageWidth, List<Integer> hidden, int latent,
                          LossKind loss, float beta) {

    public ModelConfig {
        java.util.Objects.requireNonNull(hidden, "hidden sizes are missing");
        java.util.Objects.requireNonNull(loss, "loss kind is missing");
        hidden = List.copyOf(hidden);
        if (imageHeight < 1 || imageWidth < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + imageHeight + "x" + imageWidth);
        }
        if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("hidden sizes must be >= 1, got " + hidden);
        }
        if (latent < 1) {
            throw new IllegalArgumentException("latent size must be >= 1, got " + latent);
        }
        if (!(beta >= 0f) || Float.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        }
    }

    public int pixels() {
        return imageHeight * imageWidth;
    }

    /** PyTorch's examples/vae: 784-400-20, BCE, beta 1. */
    public static ModelConfig pytorchExample() {
        return new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f);
    }
}
