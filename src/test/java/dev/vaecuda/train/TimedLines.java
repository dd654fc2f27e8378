package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a command printed, each line with the time it was printed: to set its estimate line
 * ({@link TimeEstimate#line}) against the time the work after it took.
 */
public final class TimedLines extends Writer {
    /** "estimate: about 4.2 s for ...", "... 42 s ...", "... 2 min 05 s ...", "... 4 h 11 min ...". */
    public static final Pattern ESTIMATE = Pattern.compile(
            "estimate: about (?:(\\d+) h (\\d\\d) min|(?:(\\d+) min (\\d\\d) s)|(\\d\\.\\d|\\d+) s) for (.+)");

    private record Line(long nanos, String text) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (chars[i] == '\n') {
                lines.add(new Line(System.nanoTime(), current.toString()));
                current.setLength(0);
            } else {
                current.append(chars[i]);
            }
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** The seconds an estimate line gives. */
    public static double seconds(String line) {
        Matcher m = ESTIMATE.matcher(line);
        assertTrue(m.matches(), "not an estimate line: " + line);
        if (m.group(1) != null) {
            return 3600 * Long.parseLong(m.group(1)) + 60 * Long.parseLong(m.group(2));
        }
        return m.group(3) != null ? 60 * Long.parseLong(m.group(3)) + Long.parseLong(m.group(4)) : Double.parseDouble(m.group(5));
    }

    /**
     * Asserts that the one estimate line printed is within {@code factor} of the time from that
     * line to now, either way, give or take its rounding (to tenths of a second under 10 s).
     */
    public synchronized void assertEstimateWithin(double factor) {
        long now = System.nanoTime();
        List<Line> estimates = lines.stream().filter(line -> ESTIMATE.matcher(line.text()).matches()).toList();
        assertEquals(1, estimates.size(), toString());
        double estimated = seconds(estimates.getFirst().text()), took = (now - estimates.getFirst().nanos()) / 1e9;
        double rounding = estimated < 10 ? 0.05 : 0.5;
        assertTrue(estimated + rounding >= took / factor && estimated - rounding <= took * factor,
                "estimated " + estimated + " s, took " + took + " s (within a factor of " + factor + ")\n" + this);
    }

    @Override
    public synchronized String toString() {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.text()).append('\n'));
        return text.append(current).toString();
    }
}
