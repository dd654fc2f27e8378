package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.DeviceIndices;

/** {@code length} ints at a device address. */
record CudaIndices(long address, int length) implements DeviceIndices, DeviceMemory {

    static CudaIndices of(DeviceIndices indices) {
        if (indices instanceof CudaIndices cuda) {
            return cuda;
        }
        throw new IllegalArgumentException("not indices of the CUDA backend: " + indices);
    }
}
