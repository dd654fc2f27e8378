package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.model.ModelConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSessionTest {
    private static final ImageSet TRAIN = SyntheticDigits.generate(600, 12, 12, 1);
    private static final ImageSet TEST = SyntheticDigits.generate(200, 12, 12, 2);

    private static RunConfig config(int epochs, boolean binarize) {
        ModelConfig model = new ModelConfig(12, 12, List.of(64, 32), 4, LossKind.BCE, 1f);
        return new RunConfig("mnist", model, new TrainingOptions(3e-3f, 32, epochs, 99, 0, binarize));
    }

    private static String run(RunConfig config, Path out, Checkpoint resume) {
        StringWriter text = new StringWriter();
        try (CpuBackend backend = new CpuBackend(2)) {
            new TrainingSession(config, out, resume, true).run(backend, TRAIN, TEST, new PrintWriter(text), (e, b, n) -> { });
        }
        return text.toString();
    }

    private static List<String[]> metrics(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve(TrainingSession.METRICS));
        assertEquals(MetricsCsv.HEADER, lines.get(0));
        return lines.stream().skip(1).map(line -> line.split(",")).toList();
    }

    @Test
    void trainingLowersTheLossAndWritesItsFiles(@TempDir Path out) throws IOException {
        String printed = run(config(4, false), out, null);
        List<String[]> rows = metrics(out);
        assertEquals(4, rows.size(), printed);
        double firstTest = Double.parseDouble(rows.get(0)[2]), lastTest = Double.parseDouble(rows.get(3)[2]);
        double firstTrain = Double.parseDouble(rows.get(0)[1]), lastTrain = Double.parseDouble(rows.get(3)[1]);
        assertTrue(lastTrain < 0.9 * firstTrain, "train loss " + firstTrain + " -> " + lastTrain);
        assertTrue(lastTest < firstTest, "test loss " + firstTest + " -> " + lastTest);
        assertTrue(printed.contains("epoch 4/4"), printed);
        Checkpoint checkpoint = CheckpointFile.read(out.resolve(TrainingSession.CHECKPOINT));
        assertEquals(4, checkpoint.epochsCompleted());
        assertEquals(4 * 19, checkpoint.step(), "steps: 19 per epoch, the last batch partial (600 = 18 * 32 + 24)");
        assertEquals(config(4, false), ConfigJson.fromJson(Files.readString(out.resolve(TrainingSession.CONFIG)), "config.json"));
    }

    @Test
    void resumingEqualsAnUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        run(config(3, true), whole, null);
        run(config(1, true), split, null);
        Checkpoint afterOne = CheckpointFile.read(split.resolve(TrainingSession.CHECKPOINT));
        run(afterOne.config().withEpochs(3), split, afterOne);

        Checkpoint a = CheckpointFile.read(whole.resolve(TrainingSession.CHECKPOINT));
        Checkpoint b = CheckpointFile.read(split.resolve(TrainingSession.CHECKPOINT));
        assertEquals(a.step(), b.step());
        assertArrayEquals(a.parameters(), b.parameters(), "parameters");
        assertArrayEquals(a.firstMoment(), b.firstMoment(), "Adam first moment");
        assertArrayEquals(a.secondMoment(), b.secondMoment(), "Adam second moment");
        List<String[]> ma = metrics(whole), mb = metrics(split);
        assertEquals(3, mb.size(), "resumed metrics.csv appends");
        for (int i = 0; i < 3; i++) {
            assertEquals(ma.get(i)[1], mb.get(i)[1], "train loss, epoch " + (i + 1));
            assertEquals(ma.get(i)[2], mb.get(i)[2], "test loss, epoch " + (i + 1));
        }
    }
}
