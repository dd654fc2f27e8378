package dev.vaecuda.data;

import static dev.vaecuda.data.ImageFiles.folder;
import static dev.vaecuda.data.ImageFiles.grey;
import static dev.vaecuda.data.ImageFiles.rgb;
import static dev.vaecuda.data.ImageFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.IIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one picture file becomes, value for value: bit depths, alpha, palettes, colour to grey and back. */
class PictureDecodingTest {
    @TempDir
    Path tmp;

    /** The file at its own size, {@code channels} planes of unsigned values. */
    private static int[] decoded(Path file, int channels) throws IOException {
        PictureRows picture = new PictureRows(PictureFile.firstFrame(Files.readAllBytes(file)), channels);
        byte[] out = new byte[channels * picture.width() * picture.height()];
        Resampler.copy(picture, channels, out, 0);
        int[] values = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            values[i] = out[i] & 0xFF;
        }
        return values;
    }

    /** Colour noise: a JPEG of it is mostly scan data, so cutting it in half leaves the header whole. */
    static BufferedImage noise(int width, int height) {
        java.util.Random random = new java.util.Random(1);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private PictureFile.Header header(Path file) throws IOException {
        return PictureFile.header(Files.readAllBytes(file));
    }

    @Test
    void greyPngWithAlphaIsCompositedOverWhite() throws IOException {
        Path file = write(tmp.resolve("ga.png"), ImageFiles.greyAlpha(new int[][] {{0, 0}, {100, 255}, {0, 128},
                {200, 51}}));
        assertFalse(header(file).colour());
        // out = grey x alpha + 255 x (1 - alpha)
        assertArrayEquals(new int[] {255, 100, 127, 244}, decoded(file, 1));
        assertArrayEquals(new int[] {255, 100, 127, 244, 255, 100, 127, 244, 255, 100, 127, 244}, decoded(file, 3));
    }

    @Test
    void sixteenBitPngIsScaledToEightBits() throws IOException {
        Path file = write(tmp.resolve("16.png"), ImageFiles.grey16(0, 257, 32896, 65535, 65280));
        assertEquals(16, PictureFile.firstFrame(Files.readAllBytes(file)).getColorModel().getComponentSize(0));
        assertArrayEquals(new int[] {0, 1, 128, 255, 254}, decoded(file, 1));
    }

    @Test
    void colourBecomesGreyByBt601Luma() throws IOException {
        Path red = write(tmp.resolve("r.png"), rgb(1, 1, 0xFF0000));
        Path green = write(tmp.resolve("g.bmp"), rgb(1, 1, 0x00FF00));
        Path blue = write(tmp.resolve("b.png"), rgb(1, 1, 0x0000FF));
        assertTrue(header(red).colour());
        assertArrayEquals(new int[] {76}, decoded(red, 1));   // 0.299 x 255
        assertArrayEquals(new int[] {150}, decoded(green, 1)); // 0.587 x 255
        assertArrayEquals(new int[] {29}, decoded(blue, 1));   // 0.114 x 255
        assertArrayEquals(new int[] {255, 0, 0}, decoded(red, 3));
    }

    @Test
    void aGifPaletteIsLookedUpAndAGreyPaletteIsNotColour() throws IOException {
        byte[] reds = {0, (byte) 200}, greens = {0, 10}, blues = {0, 20};
        BufferedImage paletted = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, reds, greens, blues));
        paletted.getRaster().setSample(1, 0, 0, 1);
        Path gif = write(tmp.resolve("p.gif"), paletted);
        assertTrue(header(gif).colour());
        assertArrayEquals(new int[] {0, 200, 0, 10, 0, 20}, decoded(gif, 3));

        byte[] greys = {0, (byte) 90};
        BufferedImage greyPalette = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, greys, greys, greys));
        greyPalette.getRaster().setSample(0, 0, 0, 1);
        Path greyGif = write(tmp.resolve("g.gif"), greyPalette);
        assertFalse(header(greyGif).colour());
        assertArrayEquals(new int[] {90, 0}, decoded(greyGif, 1));
    }

    @Test
    void aTruncatedJpegOrAFileOfOtherBytesIsUnreadable() throws IOException {
        Path jpeg = write(tmp.resolve("a.jpg"), noise(128, 128));
        byte[] whole = Files.readAllBytes(jpeg);
        assertEquals(128, header(jpeg).width());
        IIOException cut = assertThrows(IIOException.class, () -> PictureFile.firstFrame(Arrays.copyOf(whole,
                whole.length / 2)));
        assertTrue(cut.getMessage().contains("Truncated File"), cut.getMessage());
        IIOException other = assertThrows(IIOException.class, () -> PictureFile.header(new byte[] {1, 2, 3}));
        assertEquals("not an image ImageIO reads", other.getMessage());
    }

    @Test
    void aCmykJpegIsReadAsColour() throws IOException {
        // four-channel JPEG samples, inverted as Adobe writes them: 255 no ink, 0 full ink
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 8, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                cmyk.setPixel(x, y, new int[] {x < 4 ? 255 : 0, 255, 255, 255});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        Path file = tmp.resolve("cmyk.jpg");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        }
        assertTrue(header(file).colour());
        int[] rgb = decoded(file, 3);
        // white on the left, cyan on the right, give or take JPEG's rounding
        assertTrue(rgb[0] > 250 && rgb[64] > 250 && rgb[128] > 250, Arrays.toString(rgb));
        assertTrue(rgb[7] < 5 && rgb[64 + 7] > 250 && rgb[128 + 7] > 250, Arrays.toString(rgb));
    }

    @Test
    void theAutomaticChannelsAreThreeWhenAnyImageHasColour() {
        Path dir = tmp.resolve("mixed");
        write(dir.resolve("a.png"), grey(2, 2, (x, y) -> 10));
        write(dir.resolve("b.png"), rgb(2, 2, 0x0A0B0C));
        LoadedData colour = DataSources.load(folder(dir, tmp.resolve("cache")), line -> { });
        assertEquals(3, colour.train().channels());
        assertEquals(3 * 4, colour.test().pixelsPerImage());

        LoadedData greyOnly = DataSources.load(folder(dir, tmp.resolve("cache"), null, 1, false), line -> { });
        assertEquals(1, greyOnly.train().channels());
    }

    @Test
    void oneByOneImagesAreReadAndEnlarged() {
        Path dir = tmp.resolve("tiny");
        write(dir.resolve("a.png"), grey(1, 1, (x, y) -> 7));
        write(dir.resolve("b.png"), grey(1, 1, (x, y) -> 200));
        LoadedData own = DataSources.load(folder(dir, tmp.resolve("cache")), line -> { });
        assertEquals(1, own.train().rows());
        LoadedData enlarged = DataSources.load(folder(dir, tmp.resolve("cache"), 5, null, false), line -> { });
        ImageSet both = enlarged.train();
        assertEquals(25, both.pixelsPerImage());
        byte first = both.pixels()[0];
        for (int i = 0; i < 25; i++) {
            assertEquals(first, both.pixels()[i]);
        }
    }

    @Test
    void aHugeImageIsScaledWithoutAliasing() throws IOException {
        // one-pixel black and white columns: a filter that skips pixels turns them into black or white
        Path dir = tmp.resolve("huge");
        write(dir.resolve("train/stripes.png"), grey(6000, 4000, (x, y) -> x % 2 == 0 ? 0 : 255));
        write(dir.resolve("test/small.png"), grey(3, 2, (x, y) -> 255));
        LoadedData data = DataSources.load(folder(dir, tmp.resolve("cache"), 16, null, false), line -> { });
        assertEquals(16, data.train().rows());
        for (byte value : data.train().pixels()) {
            assertTrue(Math.abs((value & 0xFF) - 128) <= 2, "grey, not stripes: " + (value & 0xFF));
        }
    }
}
