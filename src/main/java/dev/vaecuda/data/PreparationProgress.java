package dev.vaecuda.data;

import dev.vaecuda.train.TimeEstimate;
import java.io.Console;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress while a folder is hashed or decoded, as training shows its epochs: on a terminal a bar redrawn in
 * place (images/s, ETA) that clears itself when done; otherwise a line now and then, so logs stay
 * readable. Called from several decoding threads at once.
 */
interface PreparationProgress extends AutoCloseable {
    Duration LINE_INTERVAL = Duration.ofSeconds(5);

    /** One more image done (hashed, decoded or skipped). */
    void advance();

    @Override
    void close();

    static PreparationProgress forConsole(String task, int total, Consumer<String> lines) {
        Console console = System.console();
        if (console != null && console.isTerminal()) {
            return new Bar(task, total);
        }
        return new Lines(task, total, lines, LINE_INTERVAL);
    }

    /** me.tongfei's progress bar on the terminal. */
    final class Bar implements PreparationProgress {
        private final ProgressBar bar;
        private final long start = System.nanoTime();
        private int done;

        Bar(String task, int total) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setConsumer(new ConsoleProgressBarConsumer(System.out)).setUpdateIntervalMillis(250)
                    .setUnit(" images", 1).clearDisplayOnFinish().build();
        }

        @Override
        public synchronized void advance() {
            done++;
            // the bar's own speed counts whole seconds, too coarse for a few seconds' work
            double seconds = (System.nanoTime() - start) / 1e9;
            bar.setExtraMessage(seconds > 0 ? String.format(Locale.ROOT, "%.0f images/s", done / seconds) : "");
            bar.stepTo(done);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /** A line at each tenth of the work that comes at least {@code interval} after the previous one. */
    final class Lines implements PreparationProgress {
        private final String task;
        private final int total;
        private final Consumer<String> lines;
        private final long intervalNanos;
        private final long start = System.nanoTime();
        private long lastLine = start;
        private int lastTenth;
        private int done;

        Lines(String task, int total, Consumer<String> lines, Duration interval) {
            this.task = task;
            this.total = total;
            this.lines = lines;
            this.intervalNanos = interval.toNanos();
        }

        @Override
        public synchronized void advance() {
            done++;
            long now = System.nanoTime();
            int tenth = (int) (10L * done / total);
            if (tenth > lastTenth && done < total && now - lastLine >= intervalNanos) {
                double seconds = (now - start) / 1e9;
                lines.accept(String.format(Locale.ROOT, "%s  %3d%%  %d/%d images  %.0f images/s  ETA %s", task,
                        100L * done / total, done, total, done / seconds,
                        TimeEstimate.duration(TimeEstimate.of(now - start, done, total - done).seconds())));
                lastLine = now;
                lastTenth = tenth;
            }
        }

        @Override
        public void close() {
        }
    }
}
