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

/** The latent map: one point per image at (z[0], z[1]) of its posterior mean, coloured by label, drawn by XChart. */
public final class LatentScatter {
    /** matplotlib's tab10, so ten classes get ten distinct colours. */
    private static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    private static final int ALPHA = 160;

    private LatentScatter() {
    }

    /**
     * {@code means} is (count, latent) row-major; a 1-D latent is drawn against 0. Points of
     * label l are named {@code classNames.get(l)} in the legend.
     */
    public static BufferedImage render(float[] means, int latent, byte[] labels, List<String> classNames, String title) {
        int count = labels.length;
        XYChart chart = new XYChartBuilder().width(800).height(700).title(title)
                .xAxisTitle("z[0]").yAxisTitle(latent > 1 ? "z[1]" : "0").build();
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
                    x[k] = means[i * latent];
                    y[k++] = latent > 1 ? means[i * latent + 1] : 0.0;
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
