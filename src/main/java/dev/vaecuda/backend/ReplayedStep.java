package dev.vaecuda.backend;

/**
 * A training step that runs through a recording (a CUDA graph on a GPU): the first run is eager,
 * and only after it is the step recorded, so that cuBLAS's and the module's lazy set-up (a
 * workspace, kernels loaded on first launch) happens outside the capture, as the CUDA
 * Programming Guide and cuBLAS's "CUDA Graphs support" advise; every later run replays the
 * recording. Without replay, every run is eager.
 */
public final class ReplayedStep implements AutoCloseable {
    private final Backend backend;
    private final Runnable step;
    private final boolean replay;
    private Replayable recorded;

    public ReplayedStep(Backend backend, Runnable step, boolean replay) {
        this.backend = backend;
        this.step = step;
        this.replay = replay;
    }

    /** Runs the step once: eagerly the first time (then records it), from the recording afterwards. */
    public void run() {
        if (recorded != null) {
            recorded.replay();
            return;
        }
        step.run();
        if (replay) {
            recorded = backend.record(step);
        }
    }

    @Override
    public void close() {
        if (recorded != null) {
            recorded.close();
            recorded = null;
        }
    }
}
