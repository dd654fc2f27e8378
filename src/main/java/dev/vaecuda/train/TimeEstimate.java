package dev.vaecuda.train;

import java.util.Locale;

/**
 * How long the rest of a job will take, at the pace a measured part of it went: the line that
 * slow commands (train, eval, bench) print before their long part, and the ETA of progress lines.
 */
public record TimeEstimate(double seconds) {

    /** {@code units} more, at the pace of {@code measured} units done in {@code measuredNanos}. */
    public static TimeEstimate of(long measuredNanos, double measured, double units) {
        if (measured <= 0) {
            throw new IllegalArgumentException("an estimate needs a measured part, got " + measured + " units");
        }
        return new TimeEstimate(measuredNanos / 1e9 / measured * units);
    }

    public TimeEstimate plus(TimeEstimate other) {
        return new TimeEstimate(seconds + other.seconds);
    }

    /** "estimate: about 2 min 05 s for {@code what}": one line, printed before the work it is about. */
    public String line(String what) {
        return "estimate: about " + duration(seconds) + " for " + what;
    }

    /** 4.2 s, 42 s, 2 min 05 s, 4 h 11 min. */
    public static String duration(double seconds) {
        // tenths below 10 s; from 9.95 s on, whole seconds (not "10.0 s")
        if (seconds < 9.95) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        return s < 3600 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }
}
