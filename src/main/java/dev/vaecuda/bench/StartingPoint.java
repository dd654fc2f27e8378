package dev.vaecuda.bench;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.model.Adam;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.Vae;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.TrainingOptions;
import java.util.Optional;

/**
 * What a benchmarked model starts from: PyTorch's initialisation (seed 1) with Adam's moments at
 * zero, trained at lr 1e-3; or a checkpoint's parameters and moments at its step, trained with
 * its learning rate, Adam epsilon and binarisation. A trained model can be slower than a fresh
 * one: the moments of the latent units it leaves inactive decay towards subnormal floats.
 */
public record StartingPoint(ModelConfig config, Optional<Checkpoint> trained) {
    private static final float FRESH_LEARNING_RATE = 1e-3f;

    public static StartingPoint fresh(ModelConfig config) {
        return new StartingPoint(config, Optional.empty());
    }

    public static StartingPoint of(Checkpoint checkpoint) {
        return new StartingPoint(checkpoint.config().model(), Optional.of(checkpoint));
    }

    /** The parameters and moments this point starts from, into {@code vae}. */
    void initialize(Backend backend, Vae vae) {
        trained.ifPresentOrElse(checkpoint -> checkpoint.restoreInto(backend, vae),
                () -> vae.initialize(Initialization.PYTORCH, 1));
    }

    /** Adam's updates so far: the step state's start. */
    long step() {
        return trained.map(Checkpoint::step).orElse(0L);
    }

    /** The learning rate of the epoch the checkpoint continues with (of its last epoch, when the run is finished). */
    float learningRate() {
        return trained.map(c -> {
            TrainingOptions training = c.config().training();
            return training.learningRate(Math.min(c.epochsCompleted() + 1, training.lrSchedule().maxEpochs()));
        }).orElse(FRESH_LEARNING_RATE);
    }

    float adamEpsilon() {
        return training().map(TrainingOptions::adamEpsilon).orElse(Adam.EPSILON);
    }

    boolean binarize() {
        return training().map(TrainingOptions::binarize).orElse(false);
    }

    private Optional<TrainingOptions> training() {
        return trained.map(c -> c.config().training());
    }
}
