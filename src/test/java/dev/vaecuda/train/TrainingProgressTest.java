package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingProgressTest {
    private static List<String> run(Trainer.BatchListener listener, StringWriter text, int epochs, int batches) {
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int batch = 1; batch <= batches; batch++) {
                listener.batchEnded(epoch, batch, batches);
            }
        }
        return text.toString().lines().toList();
    }

    @Test
    void plainLinesAtEachTenthLeavingTheLastToTheEpochLine() {
        StringWriter text = new StringWriter();
        // 1000 images in batches of 50: 20 batches
        List<String> lines = run(TrainingProgress.lines(new PrintWriter(text), 1000, 50, 2, Duration.ZERO), text, 2, 20);
        assertEquals(18, lines.size(), text.toString());
        assertTrue(lines.getFirst().startsWith("epoch 1/2   10%  100/1000 images  "), lines.getFirst());
        assertTrue(lines.get(8).startsWith("epoch 1/2   90%  900/1000 images  "), lines.get(8));
        assertTrue(lines.get(9).startsWith("epoch 2/2   10%  "), lines.get(9));
        assertTrue(lines.getLast().matches("epoch 2/2   90%  900/1000 images  \\d+ images/s  ETA \\d\\.\\d s"), lines.getLast());
    }

    @Test
    void anEpochResumedInsideCountsFromWhereItStarted() {
        StringWriter text = new StringWriter();
        Trainer.BatchListener listener = TrainingProgress.lines(new PrintWriter(text), 1000, 50, 2, Duration.ZERO);
        for (int batch = 11; batch <= 20; batch++) {
            listener.batchEnded(1, batch, 20);
        }
        List<String> lines = text.toString().lines().toList();
        assertEquals(4, lines.size(), text.toString());
        assertTrue(lines.getFirst().startsWith("epoch 1/2   60%  600/1000 images  "), lines.getFirst());
        assertTrue(lines.getLast().startsWith("epoch 1/2   90%  900/1000 images  "), lines.getLast());
    }

    @Test
    void plainLinesKeepTheirInterval() {
        StringWriter text = new StringWriter();
        List<String> lines = run(TrainingProgress.lines(new PrintWriter(text), 1000, 50, 3, Duration.ofHours(1)), text, 3, 20);
        assertEquals(List.of(), lines, "epochs shorter than the interval print no progress lines");
    }

    @Test
    void withoutATerminalTheConsoleGetsPlainLines() {
        StringWriter text = new StringWriter();
        Trainer.BatchListener listener = TrainingProgress.forConsole(new PrintWriter(text), 1000, 50, 1);
        assertTrue(System.console() == null || !System.console().isTerminal(), "tests run without a terminal");
        assertTrue(listener.getClass().getSimpleName().equals("Lines"), listener.getClass().getName());
    }
}
