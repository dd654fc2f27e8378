package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.model.Vae;

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

    /** A VAE of this run's shape holding these parameters, for batches of up to the run's batch size. */
    public Vae restoreVae(Backend backend) {
        Vae vae = new Vae(backend, config.model(), config.training().batchSize());
        if (parameters.length != vae.parameterCount()) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "checkpoint has " + parameters.length
                    + " parameters, its configuration's model " + vae.parameterCount());
        }
        backend.upload(parameters, vae.parameters());
        return vae;
    }
}
