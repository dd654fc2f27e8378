package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;

/** The loss or the parameters stopped being finite numbers: training cannot go on, and nothing of it is saved. */
public final class TrainingDivergedException extends VaeCudaException {
    TrainingDivergedException(String problem) {
        super(FAILURE, "training diverged: " + problem);
    }
}
