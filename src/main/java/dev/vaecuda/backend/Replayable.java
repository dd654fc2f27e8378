package dev.vaecuda.backend;

/** A unit of backend work recorded once and replayed (a CUDA graph on a GPU). */
public interface Replayable extends AutoCloseable {
    /** Runs the recorded work again, reading whatever changed from backend memory. */
    void replay();

    @Override
    void close();
}
