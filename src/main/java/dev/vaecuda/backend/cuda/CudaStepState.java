package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.DeviceStepState;

/** The step state's 16 bytes on the device: stepsDone (u64), batchInEpoch (i32), padding (kernels/step_state.cuh). */
record CudaStepState(long address) implements DeviceStepState, DeviceMemory {
    static final int BYTES = 16;

    static CudaStepState of(DeviceStepState state) {
        if (state instanceof CudaStepState cuda) {
            return cuda;
        }
        throw new IllegalArgumentException("not a step state of the CUDA backend: " + state);
    }
}
