package dev.vaecuda.train;

import dev.vaecuda.model.Adam;
import dev.vaecuda.model.Initialization;
import java.util.Objects;

/**
 * How to train: optimiser (Adam's learning rate, its schedule over epochs and eps), batching,
 * length, randomness, data use, and how a new run's parameters start. {@code limit} 0 means all
 * images.
 */
public record TrainingOptions(float learningRate, int batchSize, int epochs, long seed, int limit, boolean binarize,
                              Initialization initialization, float adamEpsilon, LearningRateSchedule lrSchedule) {

    public TrainingOptions {
        Objects.requireNonNull(initialization, "initialization is missing");
        Objects.requireNonNull(lrSchedule, "learning rate schedule is missing");
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
        }
        if (!(adamEpsilon > 0f) || Float.isInfinite(adamEpsilon)) {
            throw new IllegalArgumentException("Adam's epsilon must be a finite number > 0, got " + adamEpsilon);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (epochs < 1 || epochs > lrSchedule.maxEpochs()) {
            throw new IllegalArgumentException("epochs must be 1.." + lrSchedule.maxEpochs() + " with the " + lrSchedule
                    + " learning rate schedule, got " + epochs);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0: all images), got " + limit);
        }
    }

    /** PyTorch's initialisation, torch.optim.Adam's eps 1e-8, a constant learning rate: runs from before those options. */
    public TrainingOptions(float learningRate, int batchSize, int epochs, long seed, int limit, boolean binarize) {
        this(learningRate, batchSize, epochs, seed, limit, binarize, Initialization.PYTORCH, Adam.EPSILON,
                LearningRateSchedule.CONSTANT);
    }

    public TrainingOptions withEpochs(int newEpochs) {
        return new TrainingOptions(learningRate, batchSize, newEpochs, seed, limit, binarize, initialization,
                adamEpsilon, lrSchedule);
    }

    /** The learning rate of 1-based {@code epoch}. */
    public float learningRate(int epoch) {
        return lrSchedule.rate(learningRate, epoch);
    }
}
