package dev.vaecuda.viz;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** loss.png: training and test loss per image against the epoch, drawn by XChart. */
public final class LossChart {
    private static final Color TRAIN_COLOR = new Color(0x1f77b4);
    private static final Color TEST_COLOR = new Color(0xff7f0e);
    /**
     * Up to this many epochs each gets a marker on a linear axis; a longer run (the IWAE
     * schedule's 3280) is drawn as lines against a logarithmic epoch axis, where its late stages
     * are as wide as its first ones instead of a flat line along the bottom.
     */
    static final int MARKED_EPOCHS = 100;

    private LossChart() {
    }

    /** epochs[i] with trainLoss[i] and testLoss[i]. */
    public static BufferedImage render(double[] epochs, double[] trainLoss, double[] testLoss) {
        return BitmapEncoder.getBufferedImage(chart(epochs, trainLoss, testLoss));
    }

    static XYChart chart(double[] epochs, double[] trainLoss, double[] testLoss) {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Loss per image (reconstruction + beta * KL)")
                .xAxisTitle("epoch").yAxisTitle("loss (nats)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE)
                .setSeriesColors(new Color[] {TRAIN_COLOR, TEST_COLOR})
                .setMarkerSize(7);
        XYSeries train = chart.addSeries("train", epochs, trainLoss), test = chart.addSeries("test", epochs, testLoss);
        if (epochs.length > MARKED_EPOCHS) {
            // XChart labels the decades of a logarithmic axis itself
            chart.getStyler().setXAxisLogarithmic(true);
            train.setMarker(SeriesMarkers.NONE);
            test.setMarker(SeriesMarkers.NONE);
        } else {
            // epochs are whole numbers: ticks between them get no label
            chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> x == Math.rint(x) ? Long.toString(Math.round(x)) : "");
        }
        return chart;
    }
}
