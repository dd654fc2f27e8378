package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.DeviceStepState;

/** The step state in host memory (see {@link DeviceStepState}). */
final class CpuStepState implements DeviceStepState {
    long stepsDone;
    int batchInEpoch;

    static CpuStepState of(DeviceStepState state) {
        if (state instanceof CpuStepState cpu) {
            return cpu;
        }
        throw new IllegalArgumentException("step state from another backend: " + state.getClass().getSimpleName());
    }
}
