// Index helpers for 1-D grid-stride loops (for (int i = grid_first(); i < n; i += grid_stride()))
// and the reductions of the column-sum kernels.
#pragma once

__device__ __forceinline__ int grid_first() {
    return (int) (blockIdx.x * blockDim.x + threadIdx.x);
}

__device__ __forceinline__ int grid_stride() {
    return (int) (blockDim.x * gridDim.x);
}

// 1 / (1 + exp(-x)) without overflow for large |x|.
__device__ __forceinline__ float stable_sigmoid(float x) {
    float e = expf(-fabsf(x));
    return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

// Column-sum kernels run blocks of (32, Y) threads over a row-major (rows, cols) matrix:
// threadIdx.x picks the column (a warp reads 32 neighbours, coalesced), threadIdx.y strides the
// rows. The block's column, or -1 past the last one.
__device__ __forceinline__ int block_column(int cols) {
    int c = (int) (blockIdx.x * blockDim.x + threadIdx.x);
    return c < cols ? c : -1;
}

// Adds up each column's per-thread partial sums over threadIdx.y, in a fixed order (so the
// result is deterministic), and writes out[c]; called by every thread of the block.
__device__ __forceinline__ void store_column_sum(float partial_sum, float* out, int c) {
    __shared__ float partial[1024];
    partial[threadIdx.y * blockDim.x + threadIdx.x] = partial_sum;
    __syncthreads();
    if (threadIdx.y == 0 && c >= 0) {
        float total = 0.0f;
        for (int k = 0; k < (int) blockDim.y; k++) {
            total += partial[k * blockDim.x + threadIdx.x];
        }
        out[c] = total;
    }
    // before a second call in the same kernel writes `partial` again
    __syncthreads();
}

// Sum of `value` over all threads of the block, valid in thread (0, 0); the block's thread count
// a power of two <= 1024; called by every thread of the block (it synchronises).
__device__ __forceinline__ float block_sum(float value) {
    __shared__ float partial[1024];
    unsigned int id = threadIdx.y * blockDim.x + threadIdx.x;
    partial[id] = value;
    __syncthreads();
    for (unsigned int half = blockDim.x * blockDim.y / 2; half > 0; half /= 2) {
        if (id < half) {
            partial[id] += partial[id + half];
        }
        __syncthreads();
    }
    float total = partial[0];
    // before a second call in the same kernel writes `partial` again
    __syncthreads();
    return total;
}
