package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.Vae;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A whole `train` run in an output folder: config.json, then per epoch one printed line, a
 * metrics.csv row, a checkpoint and the epoch's pictures ({@link EpochFigures}). Resumes from
 * a checkpoint when given one.
 */
public final class TrainingSession {
    public static final String CHECKPOINT = "checkpoint.vae";
    public static final String METRICS = "metrics.csv";
    public static final String CONFIG = "config.json";

    private final RunConfig config;
    private final Path outDir;
    private final Checkpoint resumeFrom;
    private final boolean replaySteps;

    /**
     * {@code resumeFrom} may be null for a fresh run; {@code config} then sets the model's shape.
     * {@code replaySteps}: record a full batch's step once and replay it (a CUDA graph on a GPU).
     */
    public TrainingSession(RunConfig config, Path outDir, Checkpoint resumeFrom, boolean replaySteps) {
        this.config = config;
        this.outDir = outDir;
        this.resumeFrom = resumeFrom;
        this.replaySteps = replaySteps;
    }

    public void run(Backend backend, ImageSet trainSet, ImageSet testSet, PrintWriter out,
                    Trainer.BatchListener progress) {
        checkImageSize(trainSet);
        prepareOutDir();
        writeConfig();
        int batchSize = config.training().batchSize();
        Vae vae = new Vae(backend, config.model(), batchSize);
        DeviceImages train = backend.uploadImages(trainSet.pixels(), trainSet.count(), trainSet.pixelsPerImage());
        DeviceImages test = backend.uploadImages(testSet.pixels(), testSet.count(), testSet.pixelsPerImage());
        try (Trainer trainer = new Trainer(backend, vae, config.training(), train, test, replaySteps)) {
            train(backend, trainer, vae, trainSet, testSet, batchSize, out, progress);
        }
    }

    private void train(Backend backend, Trainer trainer, Vae vae, ImageSet trainSet, ImageSet testSet, int batchSize,
                       PrintWriter out, Trainer.BatchListener progress) {
        if (resumeFrom != null) {
            if (resumeFrom.parameters().length != vae.parameterCount()) {
                throw new VaeCudaException(VaeCudaException.FAILURE, "checkpoint has " + resumeFrom.parameters().length
                        + " parameters, the model " + vae.parameterCount());
            }
            trainer.restore(resumeFrom);
        } else {
            vae.initialize(config.training().seed());
        }
        MetricsCsv metrics = new MetricsCsv(outDir.resolve(METRICS), resumeFrom != null);
        EpochFigures figures = new EpochFigures(backend, vae, testSet, config.training().seed(), outDir);
        out.printf(Locale.ROOT, "training %s: %d train / %d test images, %d parameters, batch %d, epochs %d..%d%n",
                config.dataset(), trainSet.count(), testSet.count(), vae.parameterCount(), batchSize,
                trainer.epochsCompleted() + 1, config.training().epochs());
        out.flush();
        while (trainer.epochsCompleted() < config.training().epochs()) {
            EpochResult result = trainer.trainEpoch(progress);
            out.printf(Locale.ROOT, "epoch %d/%d  train_loss %.4f  test_loss %.4f  %.2f s  %.0f images/s%n",
                    result.epoch(), config.training().epochs(), result.trainLoss(), result.testLoss(),
                    result.trainSeconds(), result.imagesPerSecond());
            out.flush();
            metrics.append(result);
            CheckpointFile.write(outDir.resolve(CHECKPOINT), trainer.checkpoint(config));
            figures.write(result.epoch());
        }
    }

    private void checkImageSize(ImageSet set) {
        int h = config.model().imageHeight(), w = config.model().imageWidth();
        if (set.rows() != h || set.cols() != w) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "images are " + set.rows() + "x" + set.cols()
                    + ", the model expects " + h + "x" + w);
        }
    }

    private void prepareOutDir() {
        try {
            Files.createDirectories(outDir);
            Path probe = Files.createTempFile(outDir, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, outDir + ": output folder cannot be written ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private void writeConfig() {
        Path file = outDir.resolve(CONFIG);
        try {
            Files.writeString(file, ConfigJson.toJson(config) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
