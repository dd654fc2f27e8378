package dev.vaecuda.examples.anomaly;

import dev.vaecuda.api.ModelShape;
import dev.vaecuda.api.VaeModel;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Ranks the MNIST test set by -log p(x) under a trained VAE (importance sampling, K = 50) and writes
 * the 64 most unusual digits as an 8 x 8 grid, most unusual first; prints the top 10.
 *
 * <pre>java -jar target/anomaly.jar CHECKPOINT MNIST_DIR [OUT.png] [LIMIT]</pre>
 */
public final class Main {
    private static final int IMPORTANCE_SAMPLES = 50;
    private static final int BATCH = 500;
    private static final int GRID = 8;

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: java -jar target/anomaly.jar CHECKPOINT MNIST_DIR [OUT.png (unusual.png)] [LIMIT (all)]");
            System.exit(2);
        }
        Path checkpoint = Path.of(args[0]);
        Path mnist = Path.of(args[1]);
        Path out = Path.of(args.length > 2 ? args[2] : "unusual.png");
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;

        float[][] images = readImages(mnist.resolve("t10k-images-idx3-ubyte"), limit);
        byte[] labels = readLabels(mnist.resolve("t10k-labels-idx1-ubyte"), images.length);
        double[] nll = new double[images.length];
        try (VaeModel model = VaeModel.load(checkpoint)) {
            ModelShape shape = model.shape();
            for (int start = 0; start < images.length; start += BATCH) {
                float[][] batch = java.util.Arrays.copyOfRange(images, start, Math.min(start + BATCH, images.length));
                double[] scores = model.score(batch, IMPORTANCE_SAMPLES, start).negativeLogLikelihood();
                System.arraycopy(scores, 0, nll, start, scores.length);
            }
            int[] ranked = IntStream.range(0, images.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -nll[i])).mapToInt(i -> i).toArray();

            System.out.printf("%d test images ranked by -log p(x) (K = %d); the 10 most unusual:%n", images.length, IMPORTANCE_SAMPLES);
            for (int rank = 0; rank < Math.min(10, ranked.length); rank++) {
                int i = ranked[rank];
                System.out.printf("%2d. test image %5d  label %d  -log p(x) %.2f nats%n", rank + 1, i, labels[i], nll[i]);
            }
            BufferedImage grid = new BufferedImage(GRID * shape.width(), GRID * shape.height(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = grid.createGraphics();
            for (int cell = 0; cell < Math.min(GRID * GRID, ranked.length); cell++) {
                g.drawImage(VaeModel.image(images[ranked[cell]], shape),
                        cell % GRID * shape.width(), cell / GRID * shape.height(), null);
            }
            g.dispose();
            ImageIO.write(grid, "png", out.toFile());
            System.out.println("the " + Math.min(GRID * GRID, ranked.length) + " most unusual: " + out);
        }
    }

    /** An IDX3 file of unsigned bytes (magic 0x803, count, rows, columns), scaled to [0, 1]. */
    static float[][] readImages(Path file, int limit) throws IOException {
        try (DataInputStream in = open(file, 0x803)) {
            int count = Math.min(in.readInt(), limit);
            int pixels = in.readInt() * in.readInt();
            float[][] images = new float[count][pixels];
            byte[] row = new byte[pixels];
            for (float[] image : images) {
                in.readFully(row);
                for (int p = 0; p < pixels; p++) {
                    image[p] = (row[p] & 0xff) / 255f;
                }
            }
            return images;
        }
    }

    /** An IDX1 file of labels (magic 0x801, count). */
    static byte[] readLabels(Path file, int count) throws IOException {
        try (DataInputStream in = open(file, 0x801)) {
            in.readInt();
            byte[] labels = new byte[count];
            in.readFully(labels);
            return labels;
        }
    }

    private static DataInputStream open(Path file, int magic) throws IOException {
        InputStream stream = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream));
        int found = in.readInt();
        if (found != magic) {
            in.close();
            throw new IOException(file + ": not an IDX file of magic 0x" + Integer.toHexString(magic) + " (found 0x" + Integer.toHexString(found) + ")");
        }
        return in;
    }
}
