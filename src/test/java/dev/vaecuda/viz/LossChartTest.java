package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.None;

class LossChartTest {

    @Test
    void aShortRunMarksEachEpochOnALinearAxis() {
        XYChart chart = chartOf(LossChart.MARKED_EPOCHS);
        assertFalse(chart.getStyler().isXAxisLogarithmic());
        assertEquals("3", chart.getStyler().getxAxisTickLabelsFormattingFunction().apply(3.0), "whole epochs labelled");
        assertEquals("", chart.getStyler().getxAxisTickLabelsFormattingFunction().apply(2.5), "no label between epochs");
        for (XYSeries series : chart.getSeriesMap().values()) {
            assertFalse(series.getMarker() instanceof None, series.getName() + " has markers");
        }
    }

    @Test
    void aLongRunIsDrawnAsLinesAgainstLogScaledEpochs() {
        XYChart chart = chartOf(LossChart.MARKED_EPOCHS + 1);
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        // XChart labels the decades itself: a formatting function would put linear labels on the log axis
        assertEquals(null, chart.getStyler().getxAxisTickLabelsFormattingFunction());
        for (XYSeries series : chart.getSeriesMap().values()) {
            assertTrue(series.getMarker() instanceof None, series.getName() + " has no markers");
        }
    }

    @Test
    void rendersThe800By500Picture() {
        for (int epochs : new int[] {1, 3280}) {
            double[] x = IntStream.rangeClosed(1, epochs).asDoubleStream().toArray();
            BufferedImage image = LossChart.render(x, lossCurve(x, 135), lossCurve(x, 119));
            assertEquals(800, image.getWidth(), epochs + " epochs");
            assertEquals(500, image.getHeight(), epochs + " epochs");
        }
    }

    private static XYChart chartOf(int epochs) {
        double[] x = IntStream.rangeClosed(1, epochs).asDoubleStream().toArray();
        return LossChart.chart(x, lossCurve(x, 135), lossCurve(x, 119));
    }

    private static double[] lossCurve(double[] epochs, double first) {
        return java.util.Arrays.stream(epochs).map(e -> 86 + (first - 86) / Math.sqrt(e)).toArray();
    }
}
