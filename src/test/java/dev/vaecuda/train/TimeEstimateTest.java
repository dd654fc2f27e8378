package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TimeEstimateTest {
    @Test
    void theRestTakesAsLongAsTheMeasuredPartPerUnit() {
        // 4 units in 2 s: 10 more take 5 s
        assertEquals(5.0, TimeEstimate.of(2_000_000_000L, 4, 10).seconds(), 1e-12);
        assertEquals(6.5, TimeEstimate.of(2_000_000_000L, 4, 10).plus(new TimeEstimate(1.5)).seconds(), 1e-12);
    }

    @Test
    void nothingMeasuredIsNoEstimate() {
        assertThrows(IllegalArgumentException.class, () -> TimeEstimate.of(1_000_000L, 0, 10));
    }

    @Test
    void durationsInSecondsMinutesOrHours() {
        assertEquals("0.4 s", TimeEstimate.duration(0.42));
        assertEquals("9.9 s", TimeEstimate.duration(9.94));
        assertEquals("10 s", TimeEstimate.duration(9.96));
        assertEquals("59 s", TimeEstimate.duration(59.4));
        assertEquals("1 min 00 s", TimeEstimate.duration(59.6));
        assertEquals("7 min 19 s", TimeEstimate.duration(439));
        assertEquals("59 min 59 s", TimeEstimate.duration(3599.4));
        assertEquals("1 h 00 min", TimeEstimate.duration(3599.6));
        assertEquals("4 h 11 min", TimeEstimate.duration(4 * 3600 + 11 * 60 + 59));
    }

    @Test
    void theLineSaysWhatItIsAbout() {
        String line = new TimeEstimate(125).line("the 9 epochs left");
        assertEquals("estimate: about 2 min 05 s for the 9 epochs left", line);
        assertEquals(125, TimedLines.seconds(line));
        assertEquals(15060, TimedLines.seconds(new TimeEstimate(15060).line("x")));
        assertEquals(42, TimedLines.seconds(new TimeEstimate(42).line("x")));
        assertEquals(4.2, TimedLines.seconds(new TimeEstimate(4.2).line("x")), 1e-12);
    }
}
