// A model of the CUDA execution model on the CPU, just large enough for kernels/*.cu to compile
// with g++ -std=c++20 unchanged and run as they would on a GPU: a launch runs the grid's blocks
// one after another; the threads of a block are real OS threads (a pool, reused across blocks
// and launches), __syncthreads() is a barrier across them, __shared__ variables are static
// storage that one block at a time uses, atomics are std::atomic_ref. Warp primitives are not
// modelled: the kernels reduce through shared memory only.
// Rounding: build-emulator.sh builds it twice. The IEEE build (-ffp-contract=off) rounds every
// operation on its own, as the shipped PTX (nvcc -fmad=false) and Java do. The GPU-rounding build
// (--gpu-rounding: -mfma -ffp-contract=fast, CUDA_EMU_GPU_MATH) rounds as a GPU compiler and math
// library may: a*b + c fused, and the math functions below off by their documented maximum error.
#pragma once

#include <atomic>
#include <bit>
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

// a * b + c rounded once, as the kernels ask for where a GPU and the CPU must both fuse.
inline float __fmaf_rn(float a, float b, float c) {
    return std::fma(a, b, c);
}

#ifdef CUDA_EMU_GPU_MATH
namespace cuda_emu {
// `exact` (a double, rounded to float here) moved by `ulps` units in the last place, up or down by a
// hash of the argument's bits. Zeros, infinities and NaN stay: there a GPU agrees with the CPU.
inline float ulps_away(double exact, int ulps, float argument) {
    float value = (float) exact;
    if (value == 0.0f || !std::isfinite(value)) {
        return value;
    }
    float towards = (std::bit_cast<unsigned int>(argument) * 0x9E3779B1u) >> 31 ? INFINITY : -INFINITY;
    for (int k = 0; k < ulps; k++) {
        value = std::nextafter(value, towards);
    }
    return value;
}

// Off by the maximum ulp error of the CUDA C++ Programming Guide's table of single-precision
// functions (selftest's CudaMathBounds holds the same numbers; CudaMathBoundsTest compares them).
inline float gpu_expf(float x) { return ulps_away(std::exp((double) x), 2, x); }
inline float gpu_logf(float x) { return ulps_away(std::log((double) x), 1, x); }
inline float gpu_log1pf(float x) { return ulps_away(std::log1p((double) x), 1, x); }
inline float gpu_tanhf(float x) { return ulps_away(std::tanh((double) x), 2, x); }
inline float gpu_sinf(float x) { return ulps_away(std::sin((double) x), 2, x); }
inline float gpu_cosf(float x) { return ulps_away(std::cos((double) x), 2, x); }
inline float gpu_powf(float x, float y) { return ulps_away(std::pow((double) x, (double) y), 4, x + y); }
}  // namespace cuda_emu

#define expf cuda_emu::gpu_expf
#define logf cuda_emu::gpu_logf
#define log1pf cuda_emu::gpu_log1pf
#define tanhf cuda_emu::gpu_tanhf
#define sinf cuda_emu::gpu_sinf
#define cosf cuda_emu::gpu_cosf
#define powf cuda_emu::gpu_powf
// sqrtf and division stay IEEE: nvcc's defaults (-prec-sqrt=true, -prec-div=true) round them correctly.
#endif
