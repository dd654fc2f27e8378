package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.ForwardingBackend;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.DataFingerprint;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
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
    private static final RunIdentity RUN = RunIdentity.start(DataFingerprint.of(TRAIN, TEST));

    private static RunConfig config(int epochs, boolean binarize) {
        return config(epochs, binarize, 3e-3f, 32);
    }

    private static RunConfig config(int epochs, boolean binarize, float lr, int batchSize) {
        ModelConfig model = new ModelConfig(12, 12, List.of(64, 32), 4, LossKind.BCE, 1f);
        return new RunConfig("mnist", model, new TrainingOptions(lr, batchSize, epochs, 99, 0, binarize));
    }

    private static String run(RunConfig config, Path out, Checkpoint resume) {
        Run run = run(config, out, resume, (epoch, batch) -> false);
        assertTrue(run.finished(), run.printed());
        return run.printed();
    }

    /** What a session printed, and whether it trained all its epochs or was stopped. */
    private record Run(boolean finished, String printed) {
    }

    /** When a run is asked to stop, as a signal would: after the given batch (1-based) of the given epoch. */
    private interface StopAt {
        boolean after(int epoch, int batch);
    }

    private static Run run(RunConfig config, Path out, Checkpoint resume, StopAt stopAt) {
        return run(config, out, resume, stopAt, 1);
    }

    private static Run run(RunConfig config, Path out, Checkpoint resume, StopAt stopAt, int figuresEvery) {
        StringWriter text = new StringWriter();
        StopRequest stop = new StopRequest();
        try (CpuBackend backend = new CpuBackend(2)) {
            boolean finished = new TrainingSession(config, resume == null ? RUN : resume.identity(), "synthetic", out,
                    resume == null ? null : new ResumePoint(resume, out.resolve(TrainingSession.CHECKPOINT)),
                    true, figuresEvery).run(backend, TRAIN, TEST,
                    new PrintWriter(text), (epoch, batch, batches) -> {
                        if (stopAt.after(epoch, batch)) {
                            stop.request(new StopRequest.Reason("SIGINT", 130));
                        }
                    }, stop);
            return new Run(finished, text.toString());
        }
    }

    private static Checkpoint saved(Path out) {
        return CheckpointFile.read(out.resolve(TrainingSession.CHECKPOINT));
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
        assertTrue(printed.matches("(?s).*\nepoch 1/4 [^\n]*\nestimate: about \\d\\.\\d s for the 3 epochs left \\(\\d+\\.\\d s each, as"
                + " epoch 1 took with its test loss, checkpoint and pictures\\)\nepoch 2/4 .*"), printed);
        assertEquals(1, printed.lines().filter(line -> line.startsWith("estimate: ")).count(), printed);
        Checkpoint checkpoint = CheckpointFile.read(out.resolve(TrainingSession.CHECKPOINT));
        assertEquals(4, checkpoint.epochsCompleted());
        assertEquals(4 * 19, checkpoint.step(), "steps: 19 per epoch, the last batch partial (600 = 18 * 32 + 24)");
        assertEquals(config(4, false), ConfigJson.fromJson(Files.readString(out.resolve(TrainingSession.CONFIG)), "config.json"));
        for (int epoch = 1; epoch <= 4; epoch++) {
            for (String picture : List.of("reconstructions_epoch" + epoch + ".png", "samples_epoch" + epoch + ".png")) {
                assertTrue(javax.imageio.ImageIO.read(out.resolve(picture).toFile()) != null, picture);
            }
        }
        assertTrue(javax.imageio.ImageIO.read(out.resolve(EpochFigures.LOSS_CHART).toFile()) != null, "loss chart");
        try (var files = Files.list(out)) {
            List<String> left = files.map(f -> f.getFileName().toString())
                    .filter(name -> !name.matches("(reconstructions|samples)_epoch[1-4]\\.png")).sorted().toList();
            assertEquals(List.of("checkpoint.vae", "config.json", "loss.png", "metrics.csv"), left, "nothing else is left");
        }
    }

    @Test
    void theEstimateIsForTheEpochsLeftAtTheFirstOnesPace() {
        assertEquals("estimate: about 37 s for the 9 epochs left (4.1 s each, as epoch 1 took with its test loss,"
                + " checkpoint and pictures)", TrainingSession.estimateLine(1, 10, 4_100_000_000L));
        assertEquals("estimate: about 1 h 03 min for the 1 epoch left (3800.0 s each, as epoch 3279 took with its test"
                + " loss, checkpoint and pictures)", TrainingSession.estimateLine(3279, 3280, 3_800_000_000_000L));
    }

    /** --figures-every 3 over 7 epochs: pictures after epochs 3, 6 and the last, 7; loss.png every epoch. */
    @Test
    void picturesEveryFewEpochsAndAfterTheLast(@TempDir Path out) throws IOException {
        Run run = run(config(7, false, 3e-3f, 200), out, null, (epoch, batch) -> false, 3);
        assertTrue(run.finished(), run.printed());
        try (var files = Files.list(out)) {
            List<String> pictures = files.map(f -> f.getFileName().toString()).filter(name -> name.contains("_epoch"))
                    .sorted().toList();
            assertEquals(List.of("reconstructions_epoch3.png", "reconstructions_epoch6.png", "reconstructions_epoch7.png",
                    "samples_epoch3.png", "samples_epoch6.png", "samples_epoch7.png"), pictures);
        }
        assertTrue(javax.imageio.ImageIO.read(out.resolve(EpochFigures.LOSS_CHART).toFile()) != null, "loss chart");
    }

    /**
     * Epochs 1 to 5 of the IWAE schedule span three learning rates. A run resumed at each new
     * stage starts a new trainer, which records its step at the stage's rate; the uninterrupted
     * run must record its step again at each change to train the same bits.
     */
    @Test
    void anUninterruptedRunChangesItsRateAtEachStage(@TempDir Path dir) throws IOException {
        ModelConfig model = new ModelConfig(12, 12, List.of(64, 32), 4, LossKind.BCE, 1f);
        java.util.function.IntFunction<RunConfig> iwae = epochs -> new RunConfig("mnist", model, new TrainingOptions(3e-3f,
                32, epochs, 99, 0, true, Initialization.GLOROT, 1e-4f, LearningRateSchedule.IWAE));
        Path whole = dir.resolve("whole"), staged = dir.resolve("staged");
        run(iwae.apply(5), whole, null);
        run(iwae.apply(1), staged, null);
        run(iwae.apply(4), staged, saved(staged));
        run(iwae.apply(5), staged, saved(staged));
        assertSameRun(whole, staged, 5);
    }

    /**
     * The epoch's last, partial batch (600 = 18 * 32 + 24) is trained: its step moves the
     * parameters, and its loss is in the epoch's train loss (about 24 images' worth).
     */
    @Test
    void theLastPartialBatchIsTrained(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole"), stopped = dir.resolve("stopped");
        run(config(1, false), whole, null);
        assertFalse(run(config(1, false), stopped, null, (epoch, batch) -> batch == 18).finished());
        Checkpoint after19 = saved(whole), after18 = saved(stopped);
        assertEquals(19, after19.step());
        assertEquals(18, after18.step());
        assertFalse(java.util.Arrays.equals(after19.parameters(), after18.parameters()), "the 19th step moved nothing");
        double trainLoss = Double.parseDouble(metrics(whole).getFirst()[1]);
        double lastBatch = trainLoss * TRAIN.count() - after18.partialTrainLossSum();
        assertTrue(lastBatch > 0.3 * 24 * trainLoss && lastBatch < 3 * 24 * trainLoss,
                "the last batch's loss " + lastBatch + " against the epoch's " + trainLoss + " per image");

        // and it is gathered as 24 rows, not replayed as a full batch of 32 (whose last 8 rows would be stale)
        List<Integer> rows = new java.util.ArrayList<>();
        try (CpuBackend cpu = new CpuBackend(2)) {
            Backend recording = new ForwardingBackend(cpu) {
                @Override
                public void gatherBatch(DeviceImages images, DeviceIndices order, int batchSize, int n, DeviceBuffer x,
                                        boolean binarize, long seed, int stream, DeviceStepState state) {
                    if (stream == RngStreams.TRAIN_BINARIZE) {
                        rows.add(n);
                    }
                    super.gatherBatch(images, order, batchSize, n, x, binarize, seed, stream, state);
                }
            };
            new TrainingSession(config(1, false), RUN, "synthetic", dir.resolve("recorded"), null, true, 1).run(recording, TRAIN, TEST,
                    new PrintWriter(new StringWriter()), (epoch, batch, batches) -> { }, new StopRequest());
        }
        assertEquals(19, rows.size(), rows.toString());
        assertEquals(List.of(32, 24), List.of(rows.get(17), rows.get(18)), rows.toString());
    }

    /** --init glorot starts the decoder's output bias at the logit of the mean training image, clipped to [0.001, 0.999]. */
    @Test
    void glorotStartsTheOutputBiasAtTheLogitOfTheMeanImage(@TempDir Path out) {
        ModelConfig model = new ModelConfig(12, 12, List.of(64, 32), 4, LossKind.BCE, 1f);
        // a learning rate so small that an epoch of Adam moves no parameter by more than 19 * 1e-9
        run(new RunConfig("mnist", model, new TrainingOptions(1e-9f, 32, 1, 99, 0, false, Initialization.GLOROT, 1e-4f,
                LearningRateSchedule.CONSTANT)), out, null);
        float[] params = saved(out).parameters();
        int pixels = model.pixels();
        for (int i = 0; i < pixels; i++) {
            double mean = 0;
            for (int image = 0; image < TRAIN.count(); image++) {
                mean += (TRAIN.pixels()[image * pixels + i] & 0xFF) / 255.0 / TRAIN.count();
            }
            double p = Math.min(Math.max(mean, 0.001), 0.999);
            assertEquals(Math.log(p / (1 - p)), params[params.length - pixels + i], 1e-4, "output bias of pixel " + i);
        }
    }

    @Test
    void resumingEqualsAnUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        run(config(3, true), whole, null);
        run(config(1, true), split, null);
        Checkpoint afterOne = CheckpointFile.read(split.resolve(TrainingSession.CHECKPOINT));
        run(afterOne.config().withEpochs(3), split, afterOne);

        assertSameRun(whole, split, 3);
    }

    /** The same state bit for bit, and the same losses in metrics.csv, one row per epoch. */
    private static void assertSameRun(Path expected, Path actual, int epochs) throws IOException {
        Checkpoint a = saved(expected), b = saved(actual);
        assertEquals(a.step(), b.step());
        assertEquals(0, b.batchesIntoEpoch());
        assertArrayEquals(a.parameters(), b.parameters(), "parameters");
        assertArrayEquals(a.firstMoment(), b.firstMoment(), "Adam first moment");
        assertArrayEquals(a.secondMoment(), b.secondMoment(), "Adam second moment");
        List<String[]> ma = metrics(expected), mb = metrics(actual);
        assertEquals(epochs, mb.size(), "resumed metrics.csv appends, a row per epoch");
        for (int i = 0; i < epochs; i++) {
            assertEquals(String.valueOf(i + 1), mb.get(i)[0], "epoch of row " + (i + 1));
            assertEquals(ma.get(i)[1], mb.get(i)[1], "train loss, epoch " + (i + 1));
            assertEquals(ma.get(i)[2], mb.get(i)[2], "test loss, epoch " + (i + 1));
        }
    }

    @Test
    void stoppedInsideEpochsAndResumedEqualsAnUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        run(config(3, true), whole, null);

        Run first = run(config(3, true), split, null, (epoch, batch) -> epoch == 1 && batch == 5);
        assertFalse(first.finished());
        assertTrue(first.printed().contains("SIGINT: stopped after step 5 (epoch 1, batch 5 of 19), saved in "
                + split.resolve(TrainingSession.CHECKPOINT)), first.printed());
        Checkpoint stopped = saved(split);
        assertEquals(5, stopped.step());
        assertEquals(0, stopped.epochsCompleted());
        assertEquals(5, stopped.batchesIntoEpoch());
        assertTrue(stopped.partialTrainLossSum() > 0, "the loss of the epoch's first 5 batches is kept");
        assertEquals(0, metrics(split).size(), "no row for an epoch not finished");

        Run second = run(stopped.config(), split, stopped, (epoch, batch) -> epoch == 3 && batch == 12);
        assertFalse(second.finished());
        assertTrue(second.printed().contains("epochs 1..3, epoch 1 from batch 6 of 19"), second.printed());
        // the estimate waits for the first whole epoch: epoch 1 was resumed from inside
        assertTrue(second.printed().matches("(?s).*\nepoch 2/3 [^\n]*\nestimate: about \\d\\.\\d s for the 1 epoch left "
                + "\\([^\n]*, as epoch 2 took [^\n]*\n.*"), second.printed());
        assertEquals(1, second.printed().lines().filter(line -> line.startsWith("estimate: ")).count(), second.printed());
        assertEquals(2 * 19 + 12, saved(split).step());
        assertEquals(2, metrics(split).size());

        String last = run(saved(split).config(), split, saved(split));
        assertTrue(!last.contains("estimate: "), "no whole epoch before the last: " + last);
        assertSameRun(whole, split, 3);
    }

    /**
     * Burda et al.'s setting in small: tanh, Glorot's initialisation, eps 1e-4 and the IWAE schedule,
     * whose rate changes after epochs 1 and 4; stopped inside stage 1 and inside stage 2, resumed twice.
     */
    @Test
    void stoppedAndResumedInsideTheIwaeScheduleEqualsAnUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        ModelConfig model = new ModelConfig(12, 12, List.of(32, 16), 4, LossKind.BCE, 1f, Activation.TANH);
        RunConfig config = new RunConfig("mnist", model, new TrainingOptions(3e-3f, 32, 5, 99, 0, true,
                Initialization.GLOROT, 1e-4f, LearningRateSchedule.IWAE));
        Path whole = dir.resolve("whole"), split = dir.resolve("split"), constant = dir.resolve("constant");
        run(config, whole, null);

        assertFalse(run(config, split, null, (epoch, batch) -> epoch == 3 && batch == 7).finished());
        assertFalse(run(config, split, saved(split), (epoch, batch) -> epoch == 5 && batch == 2).finished());
        run(config, split, saved(split));
        assertSameRun(whole, split, 5);

        run(new RunConfig("mnist", model, new TrainingOptions(3e-3f, 32, 5, 99, 0, true, Initialization.GLOROT, 1e-4f,
                LearningRateSchedule.CONSTANT)), constant, null);
        assertEquals(metrics(whole).get(0)[1], metrics(constant).get(0)[1], "epoch 1: the same rate, the same train loss");
        assertNotEquals(metrics(whole).get(1)[1], metrics(constant).get(1)[1], "epoch 2: the rate / 10^(1/7)");
    }

    /** Two stride-2 convolutions (12x12 -> 6x6 -> 3x3) and a hidden layer, stopped inside epoch 1 and resumed. */
    @Test
    void aConvRunStoppedInsideAnEpochAndResumedEqualsAnUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        ModelConfig model = new ModelConfig(12, 12, List.of(16), 4, LossKind.BCE, 1f, Activation.RELU, Architecture.CONV,
                List.of(4, 8));
        RunConfig config = new RunConfig("mnist", model, new TrainingOptions(3e-3f, 32, 2, 99, 0, true));
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        assertTrue(run(config, whole, null).contains("model: conv 1x12x12 -> 4x6x6 -> 8x3x3 -> 16 -> 4 latent"));
        assertFalse(run(config, split, null, (epoch, batch) -> epoch == 1 && batch == 7).finished());
        run(config, split, saved(split));
        assertSameRun(whole, split, 2);
    }

    @Test
    void aResumeDropsMetricsRowsWrittenAfterItsCheckpoint(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole"), out = dir.resolve("out");
        run(config(2, false), whole, null);
        run(config(1, false), out, null);
        Checkpoint afterOne = saved(out);
        run(afterOne.config().withEpochs(2), out, afterOne);
        // as if the process had died after epoch 2's row but before its checkpoint
        run(afterOne.config().withEpochs(2), out, afterOne);
        assertSameRun(whole, out, 2);
    }

    @Test
    void aLossThatIsNotFiniteStopsTrainingAndKeepsTheLastGoodCheckpoint(@TempDir Path out) throws IOException {
        Run first = run(config(3, false), out, null, (epoch, batch) -> epoch == 2 && batch == 3);
        assertFalse(first.finished());
        byte[] good = Files.readAllBytes(out.resolve(TrainingSession.CHECKPOINT));
        Checkpoint saved = saved(out);
        RunConfig absurd = config(3, false, 1e6f, 32);

        VaeCudaException e = assertThrows(VaeCudaException.class, () -> run(absurd, out, saved));
        assertTrue(e.getMessage().matches("training diverged: the training loss is (NaN|Infinity) at a step in 23\\.\\.38"
                + " \\(epoch 2\\); the checkpoint it resumed from keeps the last good state \\(step 22, epoch 2 after"
                + " batch 3\\); a lower --lr may help"), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(out.resolve(TrainingSession.CHECKPOINT)));
        assertEquals(1, metrics(out).size());
    }

    /** A fresh run whose loss reads NaN from epoch 2 on: epoch 1's checkpoint and metrics row stay, and the line names them. */
    @Test
    void aRunThatDivergesAfterItsFirstEpochKeepsThatEpochsCheckpoint(@TempDir Path out) throws IOException {
        boolean[] poisoned = {false};
        VaeCudaException e;
        try (CpuBackend cpu = new CpuBackend(2)) {
            Backend poisoning = new ForwardingBackend(cpu) {
                @Override
                public double readLossSum(DeviceLossSum lossSum) {
                    return poisoned[0] ? Double.NaN : super.readLossSum(lossSum);
                }
            };
            e = assertThrows(VaeCudaException.class, () -> new TrainingSession(config(3, false), RUN, "synthetic", out,
                    null, true, 1).run(poisoning, TRAIN, TEST, new PrintWriter(new StringWriter()),
                    (epoch, batch, batches) -> poisoned[0] = epoch == 2, new StopRequest()));
        }

        // 600 images in batches of 32: 19 steps an epoch
        assertEquals("training diverged: the training loss is NaN at a step in 20..38 (epoch 2); "
                + out.resolve(TrainingSession.CHECKPOINT) + " keeps the last good state (step 19, end of epoch 1);"
                + " a lower --lr may help", e.getMessage());
        assertEquals(1, saved(out).epochsCompleted());
        assertEquals(1, metrics(out).size());
    }

    @Test
    void aLossThatIsNotFiniteIsCaughtWithinTheCheckInterval(@TempDir Path out) {
        // 600 images in batches of 8: 75 steps an epoch, read every 50
        VaeCudaException e = assertThrows(VaeCudaException.class, () -> run(config(1, false, 1e6f, 8), out, null));
        assertTrue(e.getMessage().startsWith("training diverged: the training loss is "), e.getMessage());
        assertTrue(e.getMessage().contains(" at a step in 1..50 (epoch 1); no checkpoint was written"), e.getMessage());
        assertTrue(Files.notExists(out.resolve(TrainingSession.CHECKPOINT)));
    }
}
