// The emulator's C API (defined in emulator.cpp), for C++ callers linked with it: the fake CUDA
// driver (fake-cuda/). Java calls the same functions through FFM (EmulatedRuntime).
#pragma once

#include <cstddef>

extern "C" {

// What the functions that can fail return (emulator.cpp's kOk, kError, kOutOfMemory).
enum { EMU_OK = 0, EMU_ERROR = 1, EMU_OUT_OF_MEMORY = 2 };

const char* emu_last_error();
// "ieee" or "gpu": how this build rounds (cuda_emu.h, build-emulator.sh)
const char* emu_rounding();
int emu_multiprocessor_count();
void emu_shuffle_blocks(int on, unsigned long long seed);
void emu_set_memory_limit(std::size_t bytes);
void emu_mem_get_info(std::size_t* free, std::size_t* total);
void emu_fail_launch(const char* name, long long after);
int emu_malloc(std::size_t bytes, void** address);
int emu_free(void* address);
int emu_memcpy(void* destination, const void* source, std::size_t bytes, int kind);
int emu_memset(void* destination, int value, std::size_t bytes);
const void* emu_find_kernel(const char* name);
const char* emu_kernel_signature(const void* kernel);
int emu_launch(const void* kernel, unsigned int grid_x, unsigned int grid_y, unsigned int grid_z,
               unsigned int block_x, unsigned int block_y, unsigned int block_z, void** args);
int emu_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, int lda,
              const float* b, int ldb, float beta, float* c, int ldc);
// The convolutions' directions, for the fake driver's fake_cuda_enqueue_convolution.
enum { EMU_CONV_FORWARD = 0, EMU_CONV_BACKWARD_DATA = 1, EMU_CONV_BACKWARD_FILTER = 2 };

// cuDNN's three convolutions of an NCHW batch (cross-correlation, weight (k, c, r, r)), blended
// as cuDNN blends: out = alpha * result + beta * out, beta 0 never reading out.
int emu_conv_forward(int n, int c, int h, int w, int k, int r, int pad, int stride, float alpha, const float* x,
                     const float* weight, float beta, float* y);
int emu_conv_backward_data(int n, int c, int h, int w, int k, int r, int pad, int stride, float alpha,
                           const float* dy, const float* weight, float beta, float* dx);
int emu_conv_backward_filter(int n, int c, int h, int w, int k, int r, int pad, int stride, float alpha,
                             const float* x, const float* dy, float beta, float* dw);
// counters[0..4]: kernel launches, sgemm calls, bytes host to device, bytes device to host, convolution calls
void emu_counters(long long* counters);
void emu_reset_counters();

}  // extern "C"
