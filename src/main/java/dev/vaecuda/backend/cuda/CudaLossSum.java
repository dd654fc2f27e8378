package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.DeviceLossSum;

/**
 * The loss accumulator on the device (kernels/loss_sum.cuh): the sum (f64), the count of blocks
 * done (u32), padding, then one float partial per block of the loss kernel.
 */
record CudaLossSum(long address) implements DeviceLossSum, DeviceMemory {
    static final int MAX_BLOCKS = 1024;
    static final int HEADER_BYTES = 16;
    static final int BYTES = HEADER_BYTES + Float.BYTES * MAX_BLOCKS;

    static CudaLossSum of(DeviceLossSum lossSum) {
        if (lossSum instanceof CudaLossSum cuda) {
            return cuda;
        }
        throw new IllegalArgumentException("not a loss sum of the CUDA backend: " + lossSum);
    }
}
