package dev.vaecuda.backend.cuda;

/**
 * The steps of a close, each run even when one before it failed: the first failure is the one
 * thrown, the later ones are added to it as suppressed, so the fault that made the close fail is
 * not hidden behind the faults it causes in the steps after it.
 */
final class Faults {
    private RuntimeException first;

    Faults() {
    }

    /** Steps after {@code first} was thrown: it stays the one thrown. */
    Faults(RuntimeException first) {
        this.first = first;
    }

    void run(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            if (first == null) {
                first = e;
            } else if (e != first) {
                first.addSuppressed(e);
            }
        }
    }

    /** Throws the first failure, if a step failed. */
    void rethrow() {
        if (first != null) {
            throw first;
        }
    }
}
