package dev.vaecuda.train;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.model.Vae;

/**
 * A run's state at a point where training can continue exactly: the configuration, the
 * parameters, Adam's moments, the number of updates so far (which is also the position of
 * the counter-based RNG), and how far into an epoch it was taken. {@code identity} is null only
 * in a checkpoint of format version 1, which did not record one.
 */
public record Checkpoint(RunConfig config, RunIdentity identity, long step, int epochsCompleted, int batchesIntoEpoch,
                         double partialTrainLossSum, float[] parameters, float[] firstMoment,
                         float[] secondMoment) {

    public Checkpoint {
        if (parameters.length != config.model().parameterCount()) {
            throw new IllegalArgumentException(parameters.length + " parameters for a model of "
                    + config.model().parameterCount());
        }
        if (parameters.length != firstMoment.length || parameters.length != secondMoment.length) {
            throw new IllegalArgumentException("parameters and Adam moments differ in length");
        }
        if (step < 0 || epochsCompleted < 0 || batchesIntoEpoch < 0 || !Double.isFinite(partialTrainLossSum)) {
            throw new IllegalArgumentException("negative or non-finite position: step " + step + ", epochs "
                    + epochsCompleted + ", batches " + batchesIntoEpoch + ", partial loss " + partialTrainLossSum);
        }
    }

    /** Where in the run it was taken: "step 40, end of epoch 2" or "step 52, epoch 3 after batch 12". */
    public String position() {
        return position(step, epochsCompleted, batchesIntoEpoch);
    }

    /**
     * Where in training it was taken, as epochs count: "end of epoch 3", or inside an epoch "epoch 3,
     * batch 284 of 469" (without "of N" for a checkpoint of format 1, which does not know its data's size).
     */
    public String epochPosition() {
        if (batchesIntoEpoch == 0) {
            return "end of epoch " + epochsCompleted;
        }
        String inEpoch = "epoch " + (epochsCompleted + 1) + ", batch " + batchesIntoEpoch;
        if (identity == null) {
            return inEpoch;
        }
        int limit = config.training().limit();
        long images = limit > 0 ? Math.min(limit, identity.data().trainImages()) : identity.data().trainImages();
        int batchSize = config.training().batchSize();
        return inEpoch + " of " + (images + batchSize - 1) / batchSize;
    }

    static String position(long step, int epochsCompleted, int batchesIntoEpoch) {
        return "step " + step + (batchesIntoEpoch == 0 ? ", end of epoch " + epochsCompleted
                : ", epoch " + (epochsCompleted + 1) + " after batch " + batchesIntoEpoch);
    }

    /** Puts these parameters and Adam moments into {@code vae}, a model of this run's shape on {@code backend}. */
    public void restoreInto(Backend backend, Vae vae) {
        backend.upload(parameters, vae.parameters());
        backend.upload(firstMoment, vae.adam().firstMoment());
        backend.upload(secondMoment, vae.adam().secondMoment());
    }

    /** A VAE of this run's shape holding these parameters, for batches of up to the run's batch size. */
    public Vae restoreVae(Backend backend) {
        Vae vae = new Vae(backend, config.model(), config.training().batchSize());
        backend.upload(parameters, vae.parameters());
        return vae;
    }
}
