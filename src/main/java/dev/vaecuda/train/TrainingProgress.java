package dev.vaecuda.train;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress within an epoch: on a terminal a bar redrawn in place (images/s, ETA) that clears
 * itself when the epoch ends; otherwise (CI logs, pipes) plain lines, so logs stay readable.
 */
public final class TrainingProgress {
    /** Plain lines come at tenths of an epoch, and no closer together than this. */
    static final Duration LINE_INTERVAL = Duration.ofSeconds(5);

    private TrainingProgress() {
    }

    /** The bar when standard output is a terminal, plain lines on {@code out} otherwise. */
    public static Trainer.BatchListener forConsole(PrintWriter out, int images, int batchSize, int epochs) {
        Console console = System.console();
        if (console != null && console.isTerminal()) {
            out.flush();
            return new Bar(images, batchSize, epochs);
        }
        return lines(out, images, batchSize, epochs, LINE_INTERVAL);
    }

    static Trainer.BatchListener lines(PrintWriter out, int images, int batchSize, int epochs, Duration interval) {
        return new Lines(out, images, batchSize, epochs, interval.toNanos());
    }

    private static int imagesDone(int batch, int batchSize, int images) {
        return (int) Math.min((long) batch * batchSize, images);
    }

    /** me.tongfei's progress bar on the terminal, one per epoch. */
    private static final class Bar implements Trainer.BatchListener {
        private final int images;
        private final int batchSize;
        private final int epochs;
        private ProgressBar bar;
        private long epochStart;

        Bar(int images, int batchSize, int epochs) {
            this.images = images;
            this.batchSize = batchSize;
            this.epochs = epochs;
        }

        @Override
        public void batchEnded(int epoch, int batch, int batches) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(images)
                        .setConsumer(new ConsoleProgressBarConsumer(System.out)).setUpdateIntervalMillis(250)
                        .setUnit(" images", 1).clearDisplayOnFinish().build();
                epochStart = System.nanoTime();
            }
            int done = imagesDone(batch, batchSize, images);
            // the bar's own speed counts whole seconds, too coarse for epochs of a few seconds
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            bar.setExtraMessage(seconds > 0 ? String.format(Locale.ROOT, "%.0f images/s", done / seconds) : "");
            bar.stepTo(done);
            if (batch == batches) {
                bar.close();
                bar = null;
            }
        }
    }

    /** A line at each tenth of the epoch that comes at least {@code intervalNanos} after the previous line. */
    private static final class Lines implements Trainer.BatchListener {
        private final PrintWriter out;
        private final int images;
        private final int batchSize;
        private final int epochs;
        private final long intervalNanos;
        private int epoch;
        private long epochStart;
        private long lastLine;
        private int lastTenth;
        private int firstDone;

        Lines(PrintWriter out, int images, int batchSize, int epochs, long intervalNanos) {
            this.out = out;
            this.images = images;
            this.batchSize = batchSize;
            this.epochs = epochs;
            this.intervalNanos = intervalNanos;
        }

        @Override
        public void batchEnded(int epoch, int batch, int batches) {
            long now = System.nanoTime();
            int done = imagesDone(batch, batchSize, images);
            if (epoch != this.epoch) {
                // the clock starts after the epoch's first batch here (a resumed epoch starts inside),
                // which also warms up the code
                this.epoch = epoch;
                epochStart = now;
                lastLine = now;
                lastTenth = (int) (10L * done / images);
                firstDone = done;
            }
            int tenth = (int) (10L * done / images);
            // the last tenth is the epoch's own line, which follows
            if (tenth > lastTenth && tenth < 10 && now - lastLine >= intervalNanos) {
                double seconds = (now - epochStart) / 1e9;
                int measured = done - firstDone;
                double rate = seconds > 0 ? measured / seconds : 0;
                out.printf(Locale.ROOT, "epoch %d/%d  %3d%%  %d/%d images  %.0f images/s  ETA %s%n", epoch, epochs,
                        100L * done / images, done, images, rate,
                        TimeEstimate.duration(TimeEstimate.of(now - epochStart, measured, images - done).seconds()));
                out.flush();
                lastLine = now;
                lastTenth = tenth;
            }
        }
    }
}
