package dev.vaecuda.cli;

import dev.vaecuda.train.LikelihoodEvaluation;
import java.io.PrintWriter;
import java.util.Locale;

/** `eval`'s importance samples: a line at most every {@code intervalSeconds}, with the share done, the rate and the ETA. */
final class SampleProgressLines implements LikelihoodEvaluation.Progress {
    private final PrintWriter out;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long lastLine = start;

    SampleProgressLines(PrintWriter out, double intervalSeconds) {
        this.out = out;
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    @Override
    public void samplesDone(long done, long total) {
        long now = System.nanoTime();
        if (now - lastLine < intervalNanos || done >= total) {
            return;
        }
        double seconds = (now - start) / 1e9, rate = done / seconds;
        out.printf(Locale.ROOT, "importance samples %3d%%  %d/%d  %.0f samples/s  %s elapsed  ETA %s%n",
                100 * done / total, done, total, rate, minutes(seconds), minutes((total - done) / rate));
        out.flush();
        lastLine = now;
    }

    private static String minutes(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
}
