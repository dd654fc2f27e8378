package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link VaeModel#pixels} and {@link VaeModel#image}: pictures to rows of intensities and back. */
class PicturePixelsTest {
    private static final ModelShape GREY = new ModelShape(1, 5, 7, 2, "MLP"), COLOUR = new ModelShape(3, 4, 6, 2, "CONV");

    @Test
    void greyLevelsComeBackExactly() {
        float[] pixels = levels(GREY.pixels());
        BufferedImage image = VaeModel.image(pixels, GREY);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType());
        assertEquals(7, image.getWidth());
        assertEquals(5, image.getHeight());
        assertArrayEquals(pixels, VaeModel.pixels(image, GREY));
    }

    @Test
    void colourPlanesComeBackExactly() {
        float[] pixels = levels(COLOUR.pixels());
        BufferedImage image = VaeModel.image(pixels, COLOUR);
        // plane 0 is red, 1 green, 2 blue; pixel (x, y) of plane c at c * height * width + y * width + x
        int rgb = image.getRGB(5, 3);
        assertEquals(Math.round(pixels[3 * 6 + 5] * 255), rgb >> 16 & 0xFF);
        assertEquals(Math.round(pixels[24 + 3 * 6 + 5] * 255), rgb >> 8 & 0xFF);
        assertEquals(Math.round(pixels[48 + 3 * 6 + 5] * 255), rgb & 0xFF);
        assertArrayEquals(pixels, VaeModel.pixels(image, COLOUR));
    }

    @Test
    void aColourPictureForAGreyModelBecomesLuma() {
        BufferedImage image = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 1, 0xFF0000);
        float[] pixels = VaeModel.pixels(image, GREY);
        assertEquals(Math.round(0.299f * 255) / 255f, pixels[7 + 2], 1e-6);
        assertEquals(0f, pixels[0]);
    }

    @Test
    void aPictureOfAnotherSizeOrAShortRowIsRefused() {
        VaeModelException size = assertThrows(VaeModelException.class,
                () -> VaeModel.pixels(new BufferedImage(8, 5, BufferedImage.TYPE_BYTE_GRAY), GREY));
        assertEquals("an image of 8x5, the model takes 7x5", size.getMessage());
        VaeModelException row = assertThrows(VaeModelException.class, () -> VaeModel.image(new float[34], GREY));
        assertEquals("34 pixels, expected 35 (1x5x7)", row.getMessage());
    }

    /** Random 8-bit levels v / 255. */
    private static float[] levels(int n) {
        SplittableRandom random = new SplittableRandom(4);
        float[] pixels = new float[n];
        for (int i = 0; i < n; i++) {
            pixels[i] = random.nextInt(256) * (1f / 255f);
        }
        return pixels;
    }
}
