// Index helpers for 1-D grid-stride loops: for (int i = grid_first(); i < n; i += grid_stride()).
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
