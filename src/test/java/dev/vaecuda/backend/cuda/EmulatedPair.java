package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.selftest.BackendPair;
import java.util.SplittableRandom;

/** The CUDA backend over the emulator beside the CPU backend, with a fresh seed each run (named in failures). */
final class EmulatedPair {
    private EmulatedPair() {
    }

    static BackendPair open() {
        return new BackendPair(new CudaBackend(EmulatedRuntime.open()), new CpuBackend(2), new SplittableRandom().nextLong());
    }
}
