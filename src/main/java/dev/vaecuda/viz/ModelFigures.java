package dev.vaecuda.viz;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** The pictures a trained VAE draws: samples, reconstructions, latent walks, the latent map and manifold. */
public final class ModelFigures {
    private final LatentCodec codec;

    public ModelFigures(LatentCodec codec) {
        this.codec = codec;
    }

    /** {@link LatentCodec#samples}, in rows of 8. */
    public BufferedImage samples(long seed, int n) {
        Tiles decoded = codec.samples(seed, n);
        return new ImageGrid(ImageGrid.PADDING).render(ImageGrid.rowsOf(decoded, ImageGrid.PER_ROW));
    }

    /** Rows of up to 8 originals, each over a row of their reconstructions (the decoded posterior means). */
    public BufferedImage reconstructions(Tiles originals) {
        Tiles decoded = codec.reconstruct(originals);
        List<Tiles> originalRows = ImageGrid.rowsOf(originals, ImageGrid.PER_ROW);
        List<Tiles> decodedRows = ImageGrid.rowsOf(decoded, ImageGrid.PER_ROW);
        List<Tiles> rows = new ArrayList<>();
        for (int i = 0; i < originalRows.size(); i++) {
            rows.add(originalRows.get(i));
            rows.add(decodedRows.get(i));
        }
        return new ImageGrid(ImageGrid.PADDING).render(rows);
    }

    /**
     * One row per pair of consecutive images (0 and 1, 2 and 3, ...): the first image, decodings
     * of {@code steps} points evenly spaced from its posterior mean to the second's (both
     * included), then the second image.
     */
    public BufferedImage interpolations(Tiles images, int steps) {
        int latent = codec.latent(), pairs = images.count() / 2;
        float[] means = codec.encodeMeans(images);
        float[] walk = new float[pairs * steps * latent];
        for (int p = 0; p < pairs; p++) {
            int from = 2 * p * latent, to = (2 * p + 1) * latent;
            for (int s = 0; s < steps; s++) {
                float t = steps == 1 ? 0.5f : s / (float) (steps - 1);
                for (int j = 0; j < latent; j++) {
                    walk[(p * steps + s) * latent + j] = (1 - t) * means[from + j] + t * means[to + j];
                }
            }
        }
        Tiles decoded = codec.decode(walk, pairs * steps);
        List<Tiles> rows = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            rows.add(Tiles.concat(images.range(2 * p, 1), decoded.range(p * steps, steps), images.range(2 * p + 1, 1)));
        }
        return new ImageGrid(ImageGrid.PADDING).render(rows);
    }

    /**
     * Kingma and Welling's manifold of a 2-D latent: decodings of z at the Gaussian quantiles of
     * (i + 0.5) / size in each dimension, z[0] growing to the right and z[1] upwards, no padding.
     */
    public BufferedImage manifold(int size) {
        if (codec.latent() != 2) {
            throw new IllegalStateException("the manifold needs a 2-D latent, not " + codec.latent());
        }
        float[] z = new float[size * size * 2];
        for (int row = 0; row < size; row++) {
            for (int col = 0; col < size; col++) {
                int at = 2 * (row * size + col);
                z[at] = (float) GaussianQuantile.of((col + 0.5) / size);
                z[at + 1] = (float) GaussianQuantile.of((size - row - 0.5) / size);
            }
        }
        return new ImageGrid(0).render(ImageGrid.rowsOf(codec.decode(z, size * size), size));
    }

    /**
     * The posterior means of {@code images}, coloured by label: at dimensions {@code dims} (two, or
     * one for a 1-D latent), or, when {@code dims} is null, at dimensions 0 and 1 of a latent of up to
     * 2 dimensions and at the first two principal components of a larger one.
     */
    public BufferedImage latentMap(Tiles images, byte[] labels, List<String> classNames, int[] dims) {
        float[] means = codec.encodeMeans(images);
        int latent = codec.latent();
        LatentProjection points = dims != null ? LatentProjection.dimensions(means, latent, dims[0], dims[1])
                : latent > 2 ? LatentProjection.principalComponents(means, latent)
                : LatentProjection.dimensions(means, latent, 0, latent > 1 ? 1 : -1);
        String title = "Posterior means of " + images.count() + " test images"
                + (points.name().isEmpty() ? "" : ", " + points.name());
        return LatentScatter.render(points, labels, classNames, title);
    }
}
