package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.Vae;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every picture of images in colour when the images are: show-data's grid with its labels, and
 * what an untrained colour model (MLP and conv, 3 x 4 x 6) draws, written as PNG and read back.
 */
class ColourPicturesTest {
    private static final int H = 4, W = 6;
    private static final ImageSet SET = ColourImages.random(12, H, W, 5);
    private static final List<String> CLASSES = IntStream.range(0, 10).mapToObj(i -> "class " + i).toList();

    static Stream<ModelConfig> models() {
        return Stream.of(
                new ModelConfig(H, W, List.of(8), 2, LossKind.BCE, 1f, Activation.RELU, Architecture.MLP, List.of(), 3),
                new ModelConfig(H, W, List.of(8), 2, LossKind.BCE, 1f, Activation.RELU, Architecture.CONV, List.of(2), 3));
    }

    @Test
    void showDataDrawsTheColourImagesWithTheirClassNames(@TempDir Path dir) {
        List<String> captions = IntStream.range(0, 10).mapToObj(i -> CLASSES.get(SET.labels()[i])).toList();
        BufferedImage decoded;
        try (CpuBackend backend = new CpuBackend(1)) {
            decoded = written(DatasetGrid.render(backend, SET, 10, false, 1, captions), dir.resolve("grid.png"),
                    2 + 8 * (W + 2), 2 + 2 * (H + 12 + 2));
        }
        GridCells.assertHold(decoded, Tiles.of(SET, 0, 10), 8, 12, 0);
        for (int i = 0; i < 10; i++) {
            int x0 = 2 + (i % 8) * (W + 2), y0 = 2 + (i / 8) * (H + 12 + 2) + H;
            assertTrue(GridCells.litCaptionPixels(decoded, x0, y0, W) > 0, "the label under image " + i);
        }
    }

    /** The originals' row holds their bytes, the row under it the decoded posterior means, channel by channel. */
    @ParameterizedTest
    @MethodSource("models")
    void reconstructionsAreTheOriginalsOverTheirDecodings(ModelConfig config, @TempDir Path dir) {
        try (CpuBackend backend = new CpuBackend(1)) {
            LatentCodec codec = codec(backend, config);
            Tiles originals = Tiles.of(SET, 0, 8);
            BufferedImage decoded = written(new ModelFigures(codec).reconstructions(originals), dir.resolve("r.png"),
                    2 + 8 * (W + 2), 2 + 2 * (H + 2));
            GridCells.assertHold(decoded, originals, 8, 0, 0);
            GridCells.assertHold(decoded, codec.decode(codec.encodeMeans(originals), 8), 8, 0, 8);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void samplesInterpolationsManifoldAndMapAreDrawn(ModelConfig config, @TempDir Path dir) {
        try (CpuBackend backend = new CpuBackend(1)) {
            ModelFigures figures = new ModelFigures(codec(backend, config));
            written(figures.samples(3, 10), dir.resolve("s.png"), 2 + 8 * (W + 2), 2 + 2 * (H + 2));
            BufferedImage walks = written(figures.interpolations(Tiles.of(SET, 0, 4), 3), dir.resolve("i.png"),
                    2 + 5 * (W + 2), 2 + 2 * (H + 2));
            GridCells.assertHold(walks, Tiles.of(SET, 0, 1), 5, 0, 0);
            GridCells.assertHold(walks, Tiles.of(SET, 1, 1), 5, 0, 4);
            BufferedImage manifold = figures.manifold(3);
            assertEquals(3 * W, manifold.getWidth());
            written(manifold, dir.resolve("m.png"), 3 * W, 3 * H);
            BufferedImage map = figures.latentMap(Tiles.of(SET, 0, 12), SET.labels(), CLASSES, null);
            PngChecks.readNotBlank(write(map, dir.resolve("map.png")), 800, 700);
        }
    }

    private static LatentCodec codec(CpuBackend backend, ModelConfig config) {
        Vae vae = new Vae(backend, config, 3);
        vae.initialize(Initialization.PYTORCH, 11);
        return new LatentCodec(backend, vae);
    }

    /** Writes, reads back, and checks the size, that it is RGB, and that some pixel is not grey. */
    private static BufferedImage written(BufferedImage image, Path file, int width, int height) {
        BufferedImage decoded = PngChecks.readNotBlank(write(image, file), width, height);
        assertEquals(3, decoded.getColorModel().getNumColorComponents(), file + " is RGB");
        boolean coloured = false;
        for (int y = 0; y < height && !coloured; y++) {
            for (int x = 0; x < width && !coloured; x++) {
                int rgb = decoded.getRGB(x, y);
                coloured = (rgb >> 16 & 0xFF) != (rgb >> 8 & 0xFF) || (rgb >> 8 & 0xFF) != (rgb & 0xFF);
            }
        }
        assertTrue(coloured, file + " has a pixel that is not grey");
        return decoded;
    }

    private static Path write(BufferedImage image, Path file) {
        PngFiles.write(image, file);
        return file;
    }
}
