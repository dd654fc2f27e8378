// The fake cuBLAS: the subset of cuBLAS's C ABI (cublas_api.h) the runtime calls through FFM,
// with the real names, enum values and status codes. GEMMs run on the emulator's sgemm, on the
// handle's stream of the fake driver (libcuda.so.1, through its fake_cuda_* hooks): at once, or
// recorded when the stream is capturing. Built twice, as libcublas.so.13 and .so.12
// (FAKE_CUBLAS_MAJOR). Models cuBLAS's lazy set-up: a handle without a workspace of its own
// (cublasSetWorkspace_v2) allocates its default one with cuMemAlloc on its first GEMM, which a
// stream capture forbids: that first GEMM must not be captured. (cuBLAS 12.2 and later may
// allocate it with cudaMallocAsync instead, a memory node in the capture; this fake is the
// stricter, older behaviour, which an eager step before capturing satisfies in both.) As the
// real cublasSetStream_v2, setting the stream resets the workspace to the default pool, so a
// workspace must be set after the stream.
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "fake_library.h"

#ifndef FAKE_CUBLAS_MAJOR
#error "build with -DFAKE_CUBLAS_MAJOR=13 or 12"
#endif

extern "C" {

typedef enum {
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_ARCH_MISMATCH = 8,
    CUBLAS_STATUS_MAPPING_ERROR = 11,
    CUBLAS_STATUS_EXECUTION_FAILED = 13,
    CUBLAS_STATUS_INTERNAL_ERROR = 14,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
    CUBLAS_STATUS_LICENSE_ERROR = 16,
} cublasStatus_t;

typedef enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 } cublasOperation_t;

typedef enum { CUBLAS_POINTER_MODE_HOST = 0, CUBLAS_POINTER_MODE_DEVICE = 1 } cublasPointerMode_t;

typedef enum {
    CUBLAS_DEFAULT_MATH = 0,
    CUBLAS_TENSOR_OP_MATH = 1,
    CUBLAS_PEDANTIC_MATH = 2,
    CUBLAS_TF32_TENSOR_OP_MATH = 3,
    CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,
} cublasMath_t;

typedef enum { MAJOR_VERSION = 0, MINOR_VERSION = 1, PATCH_LEVEL = 2 } libraryPropertyType;

typedef struct cublasContext* cublasHandle_t;

}  // extern "C"

struct cublasContext {
    CUstream stream = nullptr;
    cublasPointerMode_t pointer_mode = CUBLAS_POINTER_MODE_HOST;
    cublasMath_t math_mode = CUBLAS_DEFAULT_MATH;
    void* workspace = nullptr;          // cublasSetWorkspace_v2's, since the last cublasSetStream_v2
    bool user_workspace = false;
    CUdeviceptr default_workspace = 0;  // allocated by the first GEMM when there is no user workspace
};

namespace {

#if FAKE_CUBLAS_MAJOR == 13
constexpr int kVersion[3] = {13, 1, 0};
#else
constexpr int kVersion[3] = {12, 6, 4};
#endif

std::mutex handles_mutex;
std::set<cublasHandle_t> handles;  // the live ones

#define ENTER()                    \
    fake_cuda_count_call(__func__); \
    std::lock_guard<std::mutex> lock(handles_mutex)

bool is_live(cublasHandle_t handle) {
    return handle != nullptr && handles.count(handle) != 0;
}

bool is_operation(cublasOperation_t op) {
    return op == CUBLAS_OP_N || op == CUBLAS_OP_T || op == CUBLAS_OP_C;
}

int at_least_one(int rows) {
    return rows > 1 ? rows : 1;
}

// cuBLAS's default workspace: 32 MiB on Hopper (compute capability 9.x), 4 MiB before it.
std::size_t default_workspace_bytes() {
    int major = 0;
    cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 0);
    return (major >= 9 ? 32u : 4u) << 20;
}

}  // namespace

extern "C" {

// As the real one, through the CUDA runtime: initialises the driver and, when the calling
// thread has no context, makes device 0's primary context current.
cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
    ENTER();
    if (handle == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    if (!initialize_like_the_runtime()) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    *handle = new cublasContext();
    handles.insert(*handle);
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    handles.erase(handle);
    CUdeviceptr workspace = handle->default_workspace;
    delete handle;
    return workspace == 0 || cuMemFree_v2(workspace) == CUDA_SUCCESS ? CUBLAS_STATUS_SUCCESS
                                                                     : CUBLAS_STATUS_INTERNAL_ERROR;
}

// "unconditionally resets the cuBLAS library workspace back to the default workspace pool"
// (cuBLAS documentation, cublasSetStream): a workspace set before it is forgotten.
cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, CUstream stream) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    handle->stream = stream;
    handle->workspace = nullptr;
    handle->user_workspace = false;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, CUstream* stream) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (stream == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    *stream = handle->stream;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    int base = mode & ~CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION;
    if (base < CUBLAS_DEFAULT_MATH || base > CUBLAS_TF32_TENSOR_OP_MATH) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    // TF32 is accepted and computed in full FP32: the emulator's sgemm has one precision
    handle->math_mode = mode;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetMathMode(cublasHandle_t handle, cublasMath_t* mode) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (mode == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    *mode = handle->math_mode;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (mode != CUBLAS_POINTER_MODE_HOST && mode != CUBLAS_POINTER_MODE_DEVICE) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    handle->pointer_mode = mode;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t* mode) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (mode == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    *mode = handle->pointer_mode;
    return CUBLAS_STATUS_SUCCESS;
}

// The workspace must be 256-byte aligned (cuBLAS's documented requirement).
cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void* workspace, std::size_t bytes) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (reinterpret_cast<std::uintptr_t>(workspace) % 256 != 0 || (workspace == nullptr && bytes != 0)) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    handle->workspace = workspace;
    handle->user_workspace = true;
    return CUBLAS_STATUS_SUCCESS;
}

// major * 10000 + minor * 100 + patch, as the real cublasGetVersion_v2 encodes it; FAKE_CUBLAS_VERSION,
// when set, says another (e.g. 110902), for tests of a cuBLAS of a major the runtime does not take.
cublasStatus_t cublasGetVersion_v2(cublasHandle_t, int* version) {
    ENTER();
    if (version == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    const char* configured = std::getenv("FAKE_CUBLAS_VERSION");
    *version = configured != nullptr && *configured != '\0' ? std::atoi(configured)
                                                            : kVersion[0] * 10000 + kVersion[1] * 100 + kVersion[2];
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value) {
    ENTER();
    if (value == nullptr || type < MAJOR_VERSION || type > PATCH_LEVEL) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    *value = kVersion[type];
    return CUBLAS_STATUS_SUCCESS;
}

const char* cublasGetStatusName(cublasStatus_t status) {
    fake_cuda_count_call(__func__);
    switch (status) {
#define NAME(code) case code: return #code;
        NAME(CUBLAS_STATUS_SUCCESS)
        NAME(CUBLAS_STATUS_NOT_INITIALIZED)
        NAME(CUBLAS_STATUS_ALLOC_FAILED)
        NAME(CUBLAS_STATUS_INVALID_VALUE)
        NAME(CUBLAS_STATUS_ARCH_MISMATCH)
        NAME(CUBLAS_STATUS_MAPPING_ERROR)
        NAME(CUBLAS_STATUS_EXECUTION_FAILED)
        NAME(CUBLAS_STATUS_INTERNAL_ERROR)
        NAME(CUBLAS_STATUS_NOT_SUPPORTED)
        NAME(CUBLAS_STATUS_LICENSE_ERROR)
#undef NAME
    }
    return "CUBLAS_STATUS_UNKNOWN";
}

const char* cublasGetStatusString(cublasStatus_t status) {
    fake_cuda_count_call(__func__);
    switch (status) {
        case CUBLAS_STATUS_SUCCESS: return "success";
        case CUBLAS_STATUS_NOT_INITIALIZED: return "the library was not initialized";
        case CUBLAS_STATUS_ALLOC_FAILED: return "the resource allocation failed";
        case CUBLAS_STATUS_INVALID_VALUE: return "an invalid numeric value was used as an argument";
        case CUBLAS_STATUS_ARCH_MISMATCH: return "an absent device architectural feature is required";
        case CUBLAS_STATUS_MAPPING_ERROR: return "an access to GPU memory space failed";
        case CUBLAS_STATUS_EXECUTION_FAILED: return "the GPU program failed to execute";
        case CUBLAS_STATUS_INTERNAL_ERROR: return "an internal operation failed";
        case CUBLAS_STATUS_NOT_SUPPORTED: return "the functionality requested is not supported";
        case CUBLAS_STATUS_LICENSE_ERROR: return "an error was detected when checking the current licensing";
    }
    return "unknown error";
}

// C (m, n) = alpha op(A) op(B) + beta C, column-major; op(A) is (m, k), op(B) is (k, n).
cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t trans_a, cublasOperation_t trans_b,
                              int m, int n, int k, const float* alpha, const float* a, int lda,
                              const float* b, int ldb, const float* beta, float* c, int ldc) {
    ENTER();
    if (!is_live(handle)) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    // the documented argument checks; A is stored (m, k), or (k, m) when transposed; B likewise
    if (m < 0 || n < 0 || k < 0 || !is_operation(trans_a) || !is_operation(trans_b)
            || lda < at_least_one(trans_a == CUBLAS_OP_N ? m : k) || ldb < at_least_one(trans_b == CUBLAS_OP_N ? k : n)
            || ldc < at_least_one(m) || alpha == nullptr || beta == nullptr) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    if (handle->pointer_mode == CUBLAS_POINTER_MODE_DEVICE) {
        std::fprintf(stderr, "fake libcublas: cublasSgemm_v2 with CUBLAS_POINTER_MODE_DEVICE is not modelled\n");
        return CUBLAS_STATUS_NOT_SUPPORTED;
    }
    if (m == 0 || n == 0) {
        return CUBLAS_STATUS_SUCCESS;
    }
    if (!handle->user_workspace && handle->default_workspace == 0) {
        // the lazy set-up: inside a capture this cuMemAlloc is refused and invalidates the capture
        if (cuMemAlloc_v2(&handle->default_workspace, default_workspace_bytes()) != CUDA_SUCCESS) {
            handle->default_workspace = 0;
            return CUBLAS_STATUS_ALLOC_FAILED;
        }
    }
    // host pointer mode: alpha and beta are read now, and a capture keeps their values
    CUresult result = fake_cuda_enqueue_sgemm(handle->stream, trans_a != CUBLAS_OP_N, trans_b != CUBLAS_OP_N, m, n, k,
                                              *alpha, a, lda, b, ldb, *beta, c, ldc);
    if (result != CUDA_SUCCESS) {
        std::fprintf(stderr, "fake libcublas: cublasSgemm_v2: the driver refused its launch, error %d\n", result);
        return CUBLAS_STATUS_EXECUTION_FAILED;
    }
    return CUBLAS_STATUS_SUCCESS;
}

}  // extern "C"
