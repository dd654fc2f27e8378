package dev.vaecuda.train;

/** How to train: optimiser, batching, length, randomness, data use. {@code limit} 0 means all images. */
public record TrainingOptions(float learningRate, int batchSize, int epochs, long seed, int limit, boolean binarize) {

    public TrainingOptions {
        if (!(learningRate > 0f) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0: all images), got " + limit);
        }
    }

    public TrainingOptions withEpochs(int newEpochs) {
        return new TrainingOptions(learningRate, batchSize, newEpochs, seed, limit, binarize);
    }
}
