// What the fake libraries beside the fake driver (fake_cublas.cpp, fake_cudnn.cpp) use of
// libcuda.so.1: its hooks for them (fake_streams.cpp, fake_driver.cpp), the driver API calls the
// real libraries make through the CUDA runtime, and the runtime's implicit initialisation.
#pragma once

#include <cstddef>

#include "cuda_driver_abi.h"

extern "C" {

CUresult fake_cuda_enqueue_sgemm(CUstream stream, int trans_a, int trans_b, int m, int n, int k, float alpha,
                                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc);
// shape: n, c, h, w, k, r, pad, stride as emu_conv_*'s; direction: EMU_CONV_FORWARD, ... (emulator_api.h)
CUresult fake_cuda_enqueue_convolution(CUstream stream, int direction, const int shape[8], float alpha,
                                       const float* first_input, const float* second_input, float beta, float* out,
                                       CUdeviceptr workspace, std::size_t workspace_bytes);
void fake_cuda_count_call(const char* name);

CUresult cuInit(unsigned int flags);
CUresult cuCtxGetCurrent(CUcontext* context);
CUresult cuCtxSetCurrent(CUcontext context);
CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device);
CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice device);
CUresult cuMemAlloc_v2(CUdeviceptr* pointer, std::size_t bytes);
CUresult cuMemFree_v2(CUdeviceptr pointer);
CUresult cuStreamSynchronize(CUstream stream);

}  // extern "C"

// As the CUDA runtime's first call: initialises the driver and, when the calling thread has no
// context, makes device 0's primary context current. False when the driver refuses.
inline bool initialize_like_the_runtime() {
    CUcontext context = nullptr;
    if (cuInit(0) != CUDA_SUCCESS || cuCtxGetCurrent(&context) != CUDA_SUCCESS) {
        return false;
    }
    return context != nullptr
           || (cuDevicePrimaryCtxRetain(&context, 0) == CUDA_SUCCESS && cuCtxSetCurrent(context) == CUDA_SUCCESS);
}
