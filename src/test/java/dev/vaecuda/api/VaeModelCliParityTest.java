package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every method of {@link VaeModel} against what the command line computes on the same checkpoint. */
class VaeModelCliParityTest {
    /** Grid cells of the command line's pictures: 2 pixels of padding around 28x28 images, rows of 8. */
    private static final int PADDING = 2, SIZE = 28, PER_ROW = 8;

    @TempDir
    Path out;

    private static VaeModel model;

    @BeforeAll
    static void load() {
        model = VaeModel.load(TrainedCheckpoint.file(), Device.CPU);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shapeIsTheCheckpointsModel() {
        assertEquals(new ModelShape(1, 28, 28, 3, "MLP"), model.shape());
        assertEquals(784, model.shape().pixels());
    }

    @Test
    void scoreEqualsEvalOutPerImage() throws IOException {
        for (int samples : new int[] {1, 7}) {
            Path csv = out.resolve("eval" + samples + ".csv");
            TrainedCheckpoint.cli("eval", "--device", "cpu", "--checkpoint", TrainedCheckpoint.file().toString(), "--data",
                    TrainedCheckpoint.data().toString(), "--no-binarize", "--seed", "11", "--iw-samples",
                    Integer.toString(samples), "--out", csv.toString());
            List<String> lines = Files.readAllLines(csv);
            Scores scores = model.score(TrainedCheckpoint.testImages(), samples, 11);
            assertEquals(samples, scores.importanceSamples());
            assertEquals(TrainedCheckpoint.TEST_IMAGES + 1, lines.size());
            for (int i = 0; i < TrainedCheckpoint.TEST_IMAGES; i++) {
                String[] fields = lines.get(i + 1).split(",");
                // the CSV's six decimals
                assertEquals(Double.parseDouble(fields[3]), scores.negativeElbo()[i], 1e-5, "negative ELBO of image " + i);
                assertEquals(Double.parseDouble(fields[4]), scores.negativeLogLikelihood()[i], 1e-5, "-log p(x) of image " + i);
            }
        }
    }

    @Test
    void reconstructDrawsTheCommandLinesReconstructions() throws IOException {
        Path png = out.resolve("reconstructions.png");
        TrainedCheckpoint.cli("reconstruct", "--device", "cpu", "--checkpoint", TrainedCheckpoint.file().toString(),
                "--data", TrainedCheckpoint.data().toString(), "--n", "16", "--out", png.toString());
        float[][] reconstructed = model.reconstruct(java.util.Arrays.copyOf(TrainedCheckpoint.testImages(), 16));
        BufferedImage grid = ImageIO.read(png.toFile());
        for (int i = 0; i < 16; i++) {
            // each row of 8 originals over the row of their reconstructions
            assertCell(grid, 2 * (i / PER_ROW) + 1, i % PER_ROW, reconstructed[i], "reconstruction " + i);
        }
    }

    @Test
    void sampleDrawsTheCommandLinesSamples() throws IOException {
        Path png = out.resolve("samples.png");
        TrainedCheckpoint.cli("sample", "--device", "cpu", "--checkpoint", TrainedCheckpoint.file().toString(), "--n", "12",
                "--seed", "5", "--out", png.toString());
        float[][] samples = model.sample(12, 5);
        BufferedImage grid = ImageIO.read(png.toFile());
        for (int i = 0; i < 12; i++) {
            assertCell(grid, i / PER_ROW, i % PER_ROW, samples[i], "sample " + i);
        }
    }

    @Test
    void decodingThePosteriorMeansIsTheReconstruction() {
        float[][] images = TrainedCheckpoint.testImages();
        Encoding encoding = model.encode(images);
        assertEquals(images.length, encoding.mean().length);
        assertEquals(3, encoding.logVariance()[0].length);
        float[][] decoded = model.decode(encoding.mean(), Output.PROBABILITIES);
        float[][] reconstructed = model.reconstruct(images);
        float[][] logits = model.decode(encoding.mean(), Output.LOGITS);
        for (int i = 0; i < images.length; i++) {
            assertArrayEquals(reconstructed[i], decoded[i], "image " + i);
            for (int p = 0; p < logits[i].length; p++) {
                assertEquals(1 / (1 + Math.exp(-logits[i][p])), decoded[i][p], 1e-6, "image " + i + ", pixel " + p);
            }
        }
    }

    /** The picture at (row, column) of a command line grid is {@code pixels} as {@link VaeModel#image} draws it. */
    private static void assertCell(BufferedImage grid, int row, int column, float[] pixels, String what) {
        BufferedImage expected = VaeModel.image(pixels, model.shape());
        int x0 = PADDING + column * (SIZE + PADDING), y0 = PADDING + row * (SIZE + PADDING);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                assertEquals(expected.getRaster().getSample(x, y, 0), grid.getRaster().getSample(x0 + x, y0 + y, 0),
                        what + " at (" + x + ", " + y + ")");
            }
        }
    }
}
