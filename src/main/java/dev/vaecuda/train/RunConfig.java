package dev.vaecuda.train;

import dev.vaecuda.data.DataRequest;
import dev.vaecuda.data.DataSources;
import dev.vaecuda.model.ModelConfig;

/**
 * Everything that defines a run: written to config.json and into every checkpoint. {@code folder}
 * is how a folder of images was prepared, so that later commands prepare it alike; null for the
 * other data sets, whose images have one shape.
 */
public record RunConfig(String dataset, ModelConfig model, TrainingOptions training, FolderOptions folder) {

    public RunConfig {
        java.util.Objects.requireNonNull(dataset, "dataset is missing");
        java.util.Objects.requireNonNull(model, "model is missing");
        java.util.Objects.requireNonNull(training, "training is missing");
        if (!DataRequest.DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("unknown data set '" + dataset + "': expected one of "
                    + String.join(", ", DataRequest.DATASETS));
        }
        if (DataSources.FOLDER.equals(dataset) != (folder != null)) {
            throw new IllegalArgumentException("folder options go with the data set folder only, got " + folder
                    + " for " + dataset);
        }
    }

    /** A run on one of the data sets whose images have one shape (not a folder). */
    public RunConfig(String dataset, ModelConfig model, TrainingOptions training) {
        this(dataset, model, training, null);
    }

    /** The same run with a new total number of epochs (for --resume). */
    public RunConfig withEpochs(int epochs) {
        return new RunConfig(dataset, model, training.withEpochs(epochs), folder);
    }
}
