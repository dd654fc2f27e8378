package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.ModelDescription;
import dev.vaecuda.model.Vae;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A whole `train` run in an output folder: config.json, then per epoch one printed line, a
 * metrics.csv row, a checkpoint and the epoch's pictures ({@link EpochFigures}), the
 * reconstructions and samples every {@code figuresEvery} epochs and after the last; after the first
 * whole epoch it trains, an estimate of the time the others will take. Resumes from
 * a checkpoint when given one, also from inside an epoch. Stops between two steps when asked,
 * saving a checkpoint there. When training diverges it stops and saves nothing, so the last
 * checkpoint written stays the last good one.
 */
public final class TrainingSession {
    public static final String CHECKPOINT = "checkpoint.vae";
    public static final String METRICS = "metrics.csv";
    public static final String CONFIG = "config.json";

    private final RunConfig config;
    private final RunIdentity identity;
    private final String data;
    private final Path outDir;
    private final ResumePoint resumeFrom;
    private final boolean replaySteps;
    private final int figuresEvery;
    // what the last checkpoint this session wrote holds, for the message when training diverges
    private String lastSaved;

    /**
     * {@code resumeFrom} may be null for a fresh run; {@code config} then sets the model's shape.
     * {@code data}: what the run trains on, as its "training ..." line says it.
     * {@code replaySteps}: record a full batch's step once and replay it (a CUDA graph on a GPU).
     * {@code figuresEvery}: the epochs between two epochs' pictures (see {@link EpochFigures}).
     */
    public TrainingSession(RunConfig config, RunIdentity identity, String data, Path outDir, ResumePoint resumeFrom,
                           boolean replaySteps, int figuresEvery) {
        if (figuresEvery < 1) {
            throw new IllegalArgumentException("figures every " + figuresEvery + " epochs");
        }
        this.config = config;
        this.identity = identity;
        this.data = data;
        this.outDir = outDir;
        this.resumeFrom = resumeFrom;
        this.replaySteps = replaySteps;
        this.figuresEvery = figuresEvery;
    }

    /** Trains up to the configured epochs: true when it got there, false when {@code stop} was requested first. */
    public boolean run(Backend backend, ImageSet trainSet, ImageSet testSet, PrintWriter out,
                       Trainer.BatchListener progress, StopRequest stop) {
        checkImageSize("training", trainSet);
        checkImageSize("test", testSet);
        prepareOutDir();
        writeConfig();
        int batchSize = config.training().batchSize();
        Vae vae = new Vae(backend, config.model(), batchSize);
        DeviceImages train = backend.uploadImages(trainSet.pixels(), trainSet.count(), trainSet.pixelsPerImage());
        DeviceImages test = backend.uploadImages(testSet.pixels(), testSet.count(), testSet.pixelsPerImage());
        try (Trainer trainer = new Trainer(backend, vae, config.training(), train, test, replaySteps)) {
            return train(backend, trainer, vae, trainSet, testSet, batchSize, out, progress, stop);
        } catch (TrainingDivergedException e) {
            throw new VaeCudaException(e.exitCode(), e.getMessage() + "; " + (lastSaved != null ? lastSaved
                    : resumeFrom != null ? "the checkpoint it resumed from keeps the last good state ("
                            + resumeFrom.checkpoint().position() + ")"
                    : "no checkpoint was written") + "; a lower --lr may help", e);
        }
    }

    private boolean train(Backend backend, Trainer trainer, Vae vae, ImageSet trainSet, ImageSet testSet, int batchSize,
                          PrintWriter out, Trainer.BatchListener progress, StopRequest stop) {
        if (resumeFrom != null) {
            trainer.restore(resumeFrom.checkpoint());
        } else {
            vae.initialize(config.training().initialization(), config.training().seed());
            if (config.training().initialization() == Initialization.GLOROT) {
                vae.setOutputBiasToLogitsOf(trainSet.pixelMeans());
            }
        }
        MetricsCsv metrics = new MetricsCsv(outDir.resolve(METRICS), resumeFrom == null ? null : resumeFrom.metricsFile(),
                trainer.epochsCompleted());
        EpochFigures figures = new EpochFigures(backend, vae, testSet, config.training().seed(), outDir);
        out.println("model: " + ModelDescription.of(config.model()));
        out.printf(Locale.ROOT, "training %s, %d parameters, batch %d, epochs %d..%d%s%n", data, vae.parameterCount(), batchSize,
                trainer.epochsCompleted() + 1, config.training().epochs(), trainer.batchesIntoEpoch() == 0 ? ""
                        : String.format(Locale.ROOT, ", epoch %d from batch %d of %d", trainer.epochsCompleted() + 1,
                                trainer.batchesIntoEpoch() + 1, trainer.batchesPerEpoch()));
        out.flush();
        boolean estimated = false;
        while (trainer.epochsCompleted() < config.training().epochs()) {
            long epochStart = System.nanoTime();
            // an epoch resumed from inside is no measure of a whole one
            boolean wholeEpoch = trainer.batchesIntoEpoch() == 0;
            Optional<EpochResult> finished = trainer.trainEpoch(progress, stop);
            if (finished.isEmpty()) {
                Path file = save(trainer);
                out.printf(Locale.ROOT, "%s: stopped after step %d (epoch %d, batch %d of %d), saved in %s%n",
                        stop.reason().orElseThrow().name(), trainer.step(), trainer.epochsCompleted() + 1,
                        trainer.batchesIntoEpoch(), trainer.batchesPerEpoch(), file);
                out.flush();
                return false;
            }
            EpochResult result = finished.get();
            out.printf(Locale.ROOT, "epoch %d/%d  train_loss %.4f  test_loss %.4f  %.2f s  %.0f images/s%n",
                    result.epoch(), config.training().epochs(), result.trainLoss(), result.testLoss(),
                    result.trainSeconds(), result.imagesPerSecond());
            out.flush();
            // the row before the checkpoint: a resume drops rows after the checkpoint's epoch, so none is lost or doubled
            metrics.append(result);
            save(trainer);
            int epoch = result.epoch();
            figures.write(epoch, epoch % figuresEvery == 0 || epoch == config.training().epochs());
            if (!estimated && wholeEpoch && epoch < config.training().epochs()) {
                out.println(estimateLine(epoch, config.training().epochs(), System.nanoTime() - epochStart));
                out.flush();
                estimated = true;
            }
        }
        return true;
    }

    /** The time of the epochs after {@code epoch} up to {@code epochs}, at the pace of that epoch, which took {@code nanos}. */
    static String estimateLine(int epoch, int epochs, long nanos) {
        int left = epochs - epoch;
        return TimeEstimate.of(nanos, 1, left).line(String.format(Locale.ROOT,
                "the %d epoch%s left (%.1f s each, as epoch %d took with its test loss, checkpoint and pictures)",
                left, left == 1 ? "" : "s", nanos / 1e9, epoch));
    }

    private Path save(Trainer trainer) {
        Path file = outDir.resolve(CHECKPOINT);
        CheckpointFile.write(file, trainer.checkpoint(config, identity));
        lastSaved = file + " keeps the last good state (" + Checkpoint.position(trainer.step(), trainer.epochsCompleted(),
                trainer.batchesIntoEpoch()) + ")";
        return file;
    }

    private void checkImageSize(String split, ImageSet set) {
        ModelConfig model = config.model();
        if (!ImageShape.fits(set, model)) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "the " + split + " images are " + ImageShape.of(set)
                    + ", the model " + (resumeFrom != null ? "of the checkpoint " : "") + "expects " + ImageShape.of(model));
        }
    }

    private void prepareOutDir() {
        try {
            Files.createDirectories(outDir);
            Path probe = Files.createTempFile(outDir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw VaeCudaException.io(outDir, "write output folder", e);
        }
    }

    private void writeConfig() {
        Path file = outDir.resolve(CONFIG);
        try {
            Files.writeString(file, ConfigJson.toJson(config) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw VaeCudaException.io(file, "write", e);
        }
    }
}
