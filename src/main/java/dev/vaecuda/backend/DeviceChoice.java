package dev.vaecuda.backend;

/** What `--device` asks for. */
public enum DeviceChoice {
    /** CUDA when a usable GPU is present, the CPU otherwise. */
    auto,
    cpu,
    cuda,
    /** The CUDA backend over the CPU emulation of the kernels (for checks, not speed). */
    emulated
}
