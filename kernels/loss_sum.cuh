// The loss accumulator of src/main/java/dev/vaecuda/backend/cuda/CudaLossSum.java: the summed loss
// of the batches since the host last set it, as a double, and the scratch that makes each batch's
// addition independent of the order the loss kernel's blocks run in.
#pragma once

// At most this many blocks add to one sum (the loss kernel's grid: ceil(pixels / 32) <= 1024).
#define LOSS_SUM_MAX_BLOCKS 1024

struct LossSum {
    double sum;                                    // what the host reads
    unsigned int blocksDone;                       // blocks of the running launch that stored their partial; 0 between launches
    unsigned int unused;
    float blockPartials[LOSS_SUM_MAX_BLOCKS];      // each block's partial sum, by block index
};

// Stores this block's partial sum; the block that finishes last adds them all, in block order,
// to lossSum->sum and returns true. Called by every thread of the block; `total` valid in thread (0, 0).
__device__ __forceinline__ bool add_block_partials_in_order(float total, LossSum* lossSum) {
    __shared__ bool lastBlock;
    if (threadIdx.x == 0 && threadIdx.y == 0) {
        lossSum->blockPartials[blockIdx.x] = total;
        // the partial must be visible to the last block before the count says it is there
        __threadfence();
        lastBlock = atomicAdd(&lossSum->blocksDone, 1u) == gridDim.x - 1;
    }
    __syncthreads();
    bool last = lastBlock;
    __syncthreads();
    if (!last || threadIdx.x != 0 || threadIdx.y != 0) {
        return false;
    }
    // volatile: other blocks wrote these, after this block's L1 may have seen the line
    const volatile float* partials = lossSum->blockPartials;
    double sum = 0.0;
    for (unsigned int b = 0; b < gridDim.x; b++) {
        sum += partials[b];
    }
    lossSum->sum += sum;
    lossSum->blocksDone = 0;
    return true;
}
