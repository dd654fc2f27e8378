// A model of the CUDA execution model on the CPU, just large enough for kernels/*.cu to compile
// with g++ -std=c++20 unchanged and run as they would on a GPU: a launch runs the grid's blocks
// one after another; the threads of a block are real OS threads (a pool, reused across blocks
// and launches), __syncthreads() is a barrier across them, __shared__ variables are static
// storage that one block at a time uses, atomics are std::atomic_ref. Warp primitives are not
// modelled: the kernels reduce through shared memory only.
#pragma once

#include <atomic>
#include <cmath>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
// One block runs at a time (blocks are separated by a barrier), so static storage is block storage.
#define __shared__ static

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};

struct uint4 {
    unsigned int x, y, z, w;
};

struct float4 {
    float x, y, z, w;
};

inline uint4 make_uint4(unsigned int x, unsigned int y, unsigned int z, unsigned int w) {
    return uint4{x, y, z, w};
}

inline float4 make_float4(float x, float y, float z, float w) {
    return float4{x, y, z, w};
}

// The built-in variables: each OS thread of the pool sees its own CUDA thread's values.
inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;

namespace cuda_emu {
// The barrier of the block the calling thread runs in (defined by the emulator runtime).
void sync_block();
}  // namespace cuda_emu

inline void __syncthreads() {
    cuda_emu::sync_block();
}

inline float atomicAdd(float* address, float value) {
    return std::atomic_ref<float>(*address).fetch_add(value);
}

inline unsigned int atomicAdd(unsigned int* address, unsigned int value) {
    return std::atomic_ref<unsigned int>(*address).fetch_add(value);
}

inline void __threadfence() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
}
