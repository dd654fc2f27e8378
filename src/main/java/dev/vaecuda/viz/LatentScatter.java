package dev.vaecuda.viz;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The latent map: one point per image at its projected posterior mean, coloured by label, drawn by XChart. */
public final class LatentScatter {
    /**
     * Kelly's colours of maximum contrast (1965), after white and black: ten classes get ten
     * colours told apart, which matplotlib's tab10 did not do well for purple and pink, brown and grey.
     */
    static final int[] PALETTE = {0x0067A5, 0xF38400, 0x008856, 0xBE0032, 0x875692,
        0xC2B280, 0xE68FAC, 0x848482, 0xF3C300, 0xA1CAF1};
    private static final int ALPHA = 210;

    private LatentScatter() {
    }

    /** Points of label l are named {@code classNames.get(l)} in the legend. */
    public static BufferedImage render(LatentProjection points, byte[] labels, List<String> classNames, String title) {
        int count = labels.length;
        XYChart chart = new XYChartBuilder().width(800).height(700).title(title)
                .xAxisTitle(points.xAxis()).yAxisTitle(points.yAxis()).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter)
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setMarkerSize(4);
        for (int label = 0; label < classNames.size(); label++) {
            int n = 0;
            for (byte l : labels) {
                n += Byte.toUnsignedInt(l) == label ? 1 : 0;
            }
            if (n == 0) {
                continue;
            }
            double[] x = new double[n], y = new double[n];
            for (int i = 0, k = 0; i < count; i++) {
                if (Byte.toUnsignedInt(labels[i]) == label) {
                    x[k] = points.x()[i];
                    y[k++] = points.y()[i];
                }
            }
            Color rgb = new Color(PALETTE[label % PALETTE.length]);
            chart.addSeries(classNames.get(label), x, y)
                    .setMarker(SeriesMarkers.CIRCLE)
                    .setMarkerColor(new Color(rgb.getRed(), rgb.getGreen(), rgb.getBlue(), ALPHA));
        }
        return BitmapEncoder.getBufferedImage(chart);
    }
}
