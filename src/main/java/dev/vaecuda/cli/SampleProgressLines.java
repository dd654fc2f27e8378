package dev.vaecuda.cli;

import dev.vaecuda.train.LikelihoodEvaluation;
import dev.vaecuda.train.TimeEstimate;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * `eval`'s importance samples: once they have run for {@code sampleSeconds}, an estimate of the
 * time the rest will take; then a line at most every {@code intervalSeconds}, with the share
 * done, the rate and the ETA. The first pass and the first half of the sample warm the code up
 * (the JIT: the first second ran at a third of the later pace); rates are timed from then on.
 */
final class SampleProgressLines implements LikelihoodEvaluation.Progress {
    private final PrintWriter out;
    private final long sampleNanos;
    private final long intervalNanos;
    private int passes;
    private long began;
    private long start;
    private long startDone = -1;
    private long lastLine;
    private boolean estimated;

    SampleProgressLines(PrintWriter out, double sampleSeconds, double intervalSeconds) {
        this.out = out;
        this.sampleNanos = (long) (sampleSeconds * 1e9);
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    @Override
    public void samplesDone(long done, long total) {
        long now = System.nanoTime();
        if (passes++ == 0) {
            began = now;
            return;
        }
        if (startDone < 0) {
            if (now - began >= sampleNanos / 2) {
                start = now;
                startDone = done;
            }
            return;
        }
        if (done >= total || (estimated ? now - lastLine < intervalNanos : now - start < sampleNanos / 2)) {
            return;
        }
        long measured = done - startDone;
        TimeEstimate left = TimeEstimate.of(now - start, measured, total - done);
        double rate = measured / ((now - start) / 1e9);
        if (estimated) {
            out.printf(Locale.ROOT, "importance samples %3d%%  %d/%d  %.0f samples/s  %s elapsed  ETA %s%n", 100 * done / total,
                    done, total, rate, TimeEstimate.duration((now - began) / 1e9), TimeEstimate.duration(left.seconds()));
        } else {
            out.println(left.line(String.format(Locale.ROOT, "the %d importance samples left (%.0f samples/s)",
                    total - done, rate)));
            estimated = true;
        }
        out.flush();
        lastLine = now;
    }
}
