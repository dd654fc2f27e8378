package dev.vaecuda.viz;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.Vae;
import java.util.Arrays;

/**
 * Images to posterior means and latent vectors to images, through a trained {@link Vae} on its
 * backend, in chunks of the model's batch capacity. Uses the model's input, latent and output
 * buffers, so it must not run in the middle of a training step.
 */
public final class LatentCodec {
    private final Backend backend;
    private final Vae vae;
    private final DeviceBuffer probabilities;

    public LatentCodec(Backend backend, Vae vae) {
        this.backend = backend;
        this.vae = vae;
        this.probabilities = backend.allocate(vae.capacity() * vae.config().pixels());
    }

    public int latent() {
        return vae.config().latent();
    }

    /** The mean of q(z|x) for each image: (count, latent) row-major. */
    public float[] encodeMeans(Tiles images) {
        ModelConfig config = vae.config();
        if (images.channels() != config.imageChannels() || images.height() != config.imageHeight()
                || images.width() != config.imageWidth()) {
            throw new IllegalArgumentException("images of " + images.channels() + "x" + images.height() + "x"
                    + images.width() + " for a model of " + config.imageChannels() + "x" + config.imageHeight() + "x"
                    + config.imageWidth());
        }
        int pixels = config.pixels(), latent = latent();
        float[] means = new float[images.count() * latent];
        for (int first = 0; first < images.count(); first += vae.capacity()) {
            int rows = Math.min(vae.capacity(), images.count() - first);
            backend.upload(Arrays.copyOfRange(images.values(), first * pixels, (first + rows) * pixels),
                    vae.input().slice(0, rows * pixels));
            vae.encode(rows);
            float[] chunk = new float[rows * 2 * latent];
            backend.download(vae.meanLogvar().slice(0, chunk.length), chunk);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(chunk, r * 2 * latent, means, (first + r) * latent, latent);
            }
        }
        return means;
    }

    /** sigmoid(decoder(z)) for each of the {@code count} rows of z (count, latent): the decoder's mean image. */
    public Tiles decode(float[] z, int count) {
        int pixels = vae.config().pixels(), latent = latent();
        float[] images = new float[count * pixels];
        for (int first = 0; first < count; first += vae.capacity()) {
            int rows = Math.min(vae.capacity(), count - first);
            backend.upload(Arrays.copyOfRange(z, first * latent, (first + rows) * latent), vae.latent().slice(0, rows * latent));
            vae.decode(rows);
            backend.sigmoid(vae.logits(), probabilities, rows * pixels);
            float[] chunk = new float[rows * pixels];
            backend.download(probabilities.slice(0, chunk.length), chunk);
            System.arraycopy(chunk, 0, images, first * pixels, chunk.length);
        }
        ModelConfig config = vae.config();
        return new Tiles(images, count, config.imageChannels(), config.imageHeight(), config.imageWidth());
    }
}
