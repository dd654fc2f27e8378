package dev.vaecuda.train;

import java.nio.file.Path;

/** A checkpoint to continue from and the file it was read from, whose folder holds the run's metrics.csv. */
public record ResumePoint(Checkpoint checkpoint, Path file) {

    /** The metrics.csv beside the checkpoint: its rows up to the checkpoint's epoch belong to the resumed run. */
    Path metricsFile() {
        return file.resolveSibling(TrainingSession.METRICS);
    }
}
