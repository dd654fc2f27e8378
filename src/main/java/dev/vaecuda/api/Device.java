package dev.vaecuda.api;

/** Where a {@link VaeModel} computes: the command line's {@code --device} choices. */
public enum Device {
    /** The CPU, on all its cores, with the bundled OpenBLAS (the pure-Java BLAS where it cannot load). */
    CPU,
    /** The first CUDA GPU; loading fails with a {@link VaeModelException} where there is none. */
    CUDA,
    /** CUDA where it works (a GPU, its driver, and cuDNN 9 for a convolutional model), else the CPU. */
    AUTO
}
