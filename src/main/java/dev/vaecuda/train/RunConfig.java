package dev.vaecuda.train;

import dev.vaecuda.model.ModelConfig;

/** Everything that defines a run: written to config.json and into every checkpoint. */
public record RunConfig(String dataset, ModelConfig model, TrainingOptions training) {

    public RunConfig {
        java.util.Objects.requireNonNull(dataset, "dataset is missing");
        java.util.Objects.requireNonNull(model, "model is missing");
        java.util.Objects.requireNonNull(training, "training is missing");
        dev.vaecuda.data.Dataset.fromCliName(dataset);
    }

    /** The same run with a new total number of epochs (for --resume). */
    public RunConfig withEpochs(int epochs) {
        return new RunConfig(dataset, model, training.withEpochs(epochs));
    }
}
