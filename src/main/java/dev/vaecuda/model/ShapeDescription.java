package dev.vaecuda.model;

import dev.vaecuda.backend.ConvShape;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's shape in one line, each stage's floats per image: "784-400-20" for an MLP (pixels,
 * hidden layers, latent units); "conv 1x28x28-32x14x14-64x7x7-20" for a conv model (the image
 * and each convolution's map as channels x height x width, then hidden layers and latent units).
 */
public final class ShapeDescription {
    private ShapeDescription() {
    }

    public static String of(ModelConfig config) {
        List<String> stages = new ArrayList<>();
        List<ConvShape> convolutions = config.convolutions();
        if (convolutions.isEmpty()) {
            stages.add(String.valueOf(config.pixels()));
        } else {
            ConvShape first = convolutions.getFirst();
            stages.add(first.inChannels() + "x" + first.inHeight() + "x" + first.inWidth());
            convolutions.forEach(c -> stages.add(c.outChannels() + "x" + c.outHeight() + "x" + c.outWidth()));
        }
        config.hidden().forEach(h -> stages.add(String.valueOf(h)));
        stages.add(String.valueOf(config.latent()));
        return (convolutions.isEmpty() ? "" : "conv ") + String.join("-", stages);
    }
}
