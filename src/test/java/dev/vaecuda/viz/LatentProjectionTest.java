package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatentProjectionTest {

    /** Points spread along (1, 1, 0, 0)/sqrt 2 by 10, along (0, 0, 1, 0) by 3, and 0.1 elsewhere. */
    private static float[] means(int count) {
        SplittableRandom random = new SplittableRandom(3);
        float[] m = new float[count * 4];
        for (int n = 0; n < count; n++) {
            double a = 10 * random.nextGaussian(), b = 3 * random.nextGaussian();
            m[n * 4] = (float) (5 + a / Math.sqrt(2) + 0.1 * random.nextGaussian());
            m[n * 4 + 1] = (float) (-2 + a / Math.sqrt(2) + 0.1 * random.nextGaussian());
            m[n * 4 + 2] = (float) (b + 0.1 * random.nextGaussian());
            m[n * 4 + 3] = (float) (0.1 * random.nextGaussian());
        }
        return m;
    }

    @Test
    void principalComponentsFindThePlaneOfMostSpread() {
        int count = 4000;
        float[] m = means(count);
        LatentProjection pca = LatentProjection.principalComponents(m, 4);
        double varX = 0, varY = 0, cov = 0, meanX = 0;
        for (int n = 0; n < count; n++) {
            meanX += pca.x()[n] / count;
            varX += pca.x()[n] * pca.x()[n] / count;
            varY += pca.y()[n] * pca.y()[n] / count;
            cov += pca.x()[n] * pca.y()[n] / count;
        }
        assertEquals(0, meanX, 1e-3, "centred");
        assertEquals(100, varX, 8, "PC1 carries the variance 10^2");
        assertEquals(9, varY, 0.8, "PC2 carries the variance 3^2");
        assertEquals(0, cov, 0.5, "uncorrelated");
        // PC1 is +-(z[0] + z[1]) / sqrt 2, up to the noise
        double along = Math.abs((m[0] - 5 + m[1] + 2) / Math.sqrt(2));
        assertEquals(along, Math.abs(pca.x()[0]), 0.5);
        assertEquals("PC1", pca.xAxis());
        assertEquals("first 2 principal components of 4 dims (100% of variance)", pca.name());
    }

    @Test
    void rawDimensionsAreNamedWhenTheLatentIsLarger() {
        float[] m = means(10);
        LatentProjection raw = LatentProjection.dimensions(m, 4, 2, 0);
        assertEquals(m[4 + 2], raw.x()[1]);
        assertEquals(m[4], raw.y()[1]);
        assertEquals("z[2]", raw.xAxis());
        assertEquals("dimensions 2 and 0 of 4", raw.name());
        assertEquals("", LatentProjection.dimensions(new float[] {1, 2}, 2, 0, 1).name(), "a 2-D latent is shown whole");
    }

    /**
     * Every two of the ten class colours differ by at least 30 in CIELAB (Delta E 1976; 2.3 is
     * "just noticeable"). matplotlib's tab10, used before, had purple and pink 27.7 apart.
     */
    @Test
    void theTenClassColoursAreToldApart() {
        double closest = Double.MAX_VALUE;
        for (int a = 0; a < 10; a++) {
            for (int b = a + 1; b < 10; b++) {
                closest = Math.min(closest, deltaE(LatentScatter.PALETTE[a], LatentScatter.PALETTE[b]));
            }
        }
        assertTrue(closest >= 30, "closest pair " + closest);
        assertTrue(deltaE(0x9467bd, 0xe377c2) < 30, "tab10's purple and pink, for scale");
    }

    private static double deltaE(int rgb1, int rgb2) {
        double[] p = lab(rgb1), q = lab(rgb2);
        return Math.sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]));
    }

    /** sRGB to CIELAB, D65 white. */
    private static double[] lab(int rgb) {
        double r = linear((rgb >> 16) & 255), g = linear((rgb >> 8) & 255), b = linear(rgb & 255);
        double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        return new double[] {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
    }

    private static double linear(int channel) {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double f(double t) {
        return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
    }
}
