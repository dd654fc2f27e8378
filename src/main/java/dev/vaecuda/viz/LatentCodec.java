package dev.vaecuda.viz;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.Philox;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
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
        int latent = latent();
        float[] meanLogvar = encode(images);
        float[] means = new float[images.count() * latent];
        for (int r = 0; r < images.count(); r++) {
            System.arraycopy(meanLogvar, r * 2 * latent, means, r * latent, latent);
        }
        return means;
    }

    /** The mean and log-variance of q(z|x) for each image, side by side: (count, 2 * latent) row-major. */
    public float[] encode(Tiles images) {
        ModelConfig config = vae.config();
        if (images.channels() != config.imageChannels() || images.height() != config.imageHeight()
                || images.width() != config.imageWidth()) {
            throw new IllegalArgumentException("images of " + images.channels() + "x" + images.height() + "x"
                    + images.width() + " for a model of " + config.imageChannels() + "x" + config.imageHeight() + "x"
                    + config.imageWidth());
        }
        int pixels = config.pixels(), width = 2 * latent();
        float[] meanLogvar = new float[images.count() * width];
        for (int first = 0; first < images.count(); first += vae.capacity()) {
            int rows = Math.min(vae.capacity(), images.count() - first);
            backend.upload(Arrays.copyOfRange(images.values(), first * pixels, (first + rows) * pixels),
                    vae.input().slice(0, rows * pixels));
            vae.encode(rows);
            float[] chunk = new float[rows * width];
            backend.download(vae.meanLogvar().slice(0, chunk.length), chunk);
            System.arraycopy(chunk, 0, meanLogvar, first * width, chunk.length);
        }
        return meanLogvar;
    }

    /** sigmoid(decoder(z)) for each of the {@code count} rows of z (count, latent): the decoder's mean image. */
    public Tiles decode(float[] z, int count) {
        ModelConfig config = vae.config();
        return new Tiles(decode(z, count, true), count, config.imageChannels(), config.imageHeight(), config.imageWidth());
    }

    /** decoder(z), the logits, for each of the {@code count} rows of z (count, latent): (count, pixels) row-major. */
    public float[] decodeLogits(float[] z, int count) {
        return decode(z, count, false);
    }

    /**
     * Decodings of the first {@code n} of a fixed set of z ~ N(0, I), drawn from Philox with (seed,
     * {@link RngStreams#SAMPLE_Z}, 0) and element index r*latent + j. The first rows do not depend on
     * n, so the same seed gives the same z every epoch.
     */
    public Tiles samples(long seed, int n) {
        float[] z = new float[n * latent()];
        Philox.normals(seed, RngStreams.SAMPLE_Z, 0, 0, z.length, z, 0, new Philox.Blocks());
        return decode(z, n);
    }

    /** Each image decoded from its posterior mean. */
    public Tiles reconstruct(Tiles images) {
        return decode(encodeMeans(images), images.count());
    }

    private float[] decode(float[] z, int count, boolean sigmoid) {
        int pixels = vae.config().pixels(), latent = latent();
        float[] images = new float[count * pixels];
        for (int first = 0; first < count; first += vae.capacity()) {
            int rows = Math.min(vae.capacity(), count - first);
            backend.upload(Arrays.copyOfRange(z, first * latent, (first + rows) * latent), vae.latent().slice(0, rows * latent));
            vae.decode(rows);
            DeviceBuffer decoded = vae.logits();
            if (sigmoid) {
                backend.sigmoid(decoded, probabilities, rows * pixels);
                decoded = probabilities;
            }
            float[] chunk = new float[rows * pixels];
            backend.download(decoded.slice(0, chunk.length), chunk);
            System.arraycopy(chunk, 0, images, first * pixels, chunk.length);
        }
        return images;
    }
}
