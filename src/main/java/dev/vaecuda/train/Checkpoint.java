package dev.vaecuda.train;

/**
 * A run's state at a point where training can continue exactly: the configuration, the
 * parameters, Adam's moments, the number of updates so far (which is also the position of
 * the counter-based RNG), and how far into an epoch it was taken.
 */
public record Checkpoint(RunConfig config, long step, int epochsCompleted, int batchesIntoEpoch,
                         double partialTrainLossSum, float[] parameters, float[] firstMoment,
                         float[] secondMoment) {

    public Checkpoint {
        if (parameters.length != firstMoment.length || parameters.length != secondMoment.length) {
            throw new IllegalArgumentException("parameters and Adam moments differ in length");
        }
    }
}
