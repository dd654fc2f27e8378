package dev.vaecuda.backend;

/**
 * A float array in the memory of the backend that made it (host memory for the CPU backend,
 * device memory for CUDA). Code above the backend holds these as opaque handles: it never
 * sees a pointer or the array behind one.
 */
public interface DeviceBuffer {
    /** Number of floats in this buffer or view. */
    int length();

    /** A view of {@code length} floats starting at {@code offset}; it shares the memory. */
    DeviceBuffer slice(int offset, int length);
}
