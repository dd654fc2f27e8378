package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.DeviceLossSum;

/** The loss accumulator in host memory (see {@link DeviceLossSum}). */
final class CpuLossSum implements DeviceLossSum {
    double sum;

    static CpuLossSum of(DeviceLossSum lossSum) {
        if (lossSum instanceof CpuLossSum cpu) {
            return cpu;
        }
        throw new IllegalArgumentException("loss sum from another backend: " + lossSum.getClass().getSimpleName());
    }
}
