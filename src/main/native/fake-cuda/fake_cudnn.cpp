// The fake cuDNN 9: the subset of its legacy C API (cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h) that
// a convolution needs, with the real names, signatures, enum values and status codes. Float NCHW
// tensors, cross-correlation, square kernels with one padding and one stride for both axes,
// dilation 1 and group count 1; anything else that cuDNN accepts is CUDNN_STATUS_NOT_SUPPORTED
// here. Every algorithm computes with the emulator's plain loops (emu_conv_*), on the handle's
// stream of the fake driver (libcuda.so.1, through fake_cuda_enqueue_convolution): at once, or
// recorded when the stream is capturing, keeping the pointers and the alpha and beta of the call.
// The algorithm lists are those a careless caller trips over: the "fastest" backward algorithm is
// the non-deterministic one, some algorithms need a workspace, and tensor-op variants are offered
// unless the descriptor says CUDNN_FMA_MATH.
// Status codes: a null pointer argument is CUDNN_STATUS_BAD_PARAM_NULL_POINTER (cuDNN 9's finer
// code of BAD_PARAM); a handle or descriptor that is not live, not set, or of the wrong kind,
// disagreeing sizes, an algorithm number outside its enum, and a workspace smaller than the
// algorithm's are CUDNN_STATUS_BAD_PARAM; an output whose spatial size is not the convolution's,
// and an algorithm not offered for the problem, CUDNN_STATUS_NOT_SUPPORTED (as cuDNN documents
// for cudnnConvolutionForward).
#include <cstdlib>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "../emulator_api.h"
#include "fake_library.h"

extern "C" {

typedef enum {
    CUDNN_STATUS_SUCCESS = 0,
    CUDNN_STATUS_NOT_INITIALIZED = 1001,
    CUDNN_STATUS_BAD_PARAM = 2000,
    CUDNN_STATUS_BAD_PARAM_NULL_POINTER = 2002,
    CUDNN_STATUS_NOT_SUPPORTED = 3000,
    CUDNN_STATUS_INTERNAL_ERROR = 4000,
    CUDNN_STATUS_EXECUTION_FAILED = 5000,
} cudnnStatus_t;

typedef enum { CUDNN_DATA_FLOAT = 0, CUDNN_DATA_DOUBLE = 1, CUDNN_DATA_HALF = 2 } cudnnDataType_t;
typedef enum { CUDNN_TENSOR_NCHW = 0, CUDNN_TENSOR_NHWC = 1, CUDNN_TENSOR_NCHW_VECT_C = 2 } cudnnTensorFormat_t;
typedef enum { CUDNN_CONVOLUTION = 0, CUDNN_CROSS_CORRELATION = 1 } cudnnConvolutionMode_t;
typedef enum {
    CUDNN_DEFAULT_MATH = 0,
    CUDNN_TENSOR_OP_MATH = 1,
    CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2,
    CUDNN_FMA_MATH = 3,
} cudnnMathType_t;
typedef enum { CUDNN_NON_DETERMINISTIC = 0, CUDNN_DETERMINISTIC = 1 } cudnnDeterminism_t;
typedef enum { MAJOR_VERSION = 0, MINOR_VERSION = 1, PATCH_LEVEL = 2 } libraryPropertyType;

// Each direction's algorithm enum: its values run from 0 to its count minus one.
enum {
    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0,
    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1,
    CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2,
    CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 = 3,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7,
};

// cudnnConvolutionFwdAlgoPerf_t, cudnnConvolutionBwdDataAlgoPerf_t and
// cudnnConvolutionBwdFilterAlgoPerf_t: one layout, the algorithm enum aside.
typedef struct {
    int algo;
    cudnnStatus_t status;
    float time;
    std::size_t memory;
    cudnnDeterminism_t determinism;
    cudnnMathType_t mathType;
    int reserved[3];
} cudnnConvolutionAlgoPerf_t;

// The descriptors' handle types are opaque pointers: the fake's are to its own Descriptor.
struct Descriptor;
typedef Descriptor* cudnnTensorDescriptor_t;
typedef Descriptor* cudnnFilterDescriptor_t;
typedef Descriptor* cudnnConvolutionDescriptor_t;

typedef struct cudnnContext* cudnnHandle_t;

}  // extern "C"

struct cudnnContext {
    CUstream stream = nullptr;
};

// What the fake keeps of a descriptor of each kind.
enum class Kind { kTensor, kFilter, kConvolution };
struct Descriptor {
    Kind kind;
    bool set = false;
    bool live = true;
    int data_type = CUDNN_DATA_FLOAT;
    int format = CUDNN_TENSOR_NCHW;
    int dims[4] = {};  // tensor: n, c, h, w; filter: k, c, r, s
    // convolution
    int pad_h = 0, pad_w = 0, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
    int mode = CUDNN_CROSS_CORRELATION;
    cudnnMathType_t math = CUDNN_DEFAULT_MATH;
};

namespace {

constexpr int kVersion[3] = {9, 10, 0};
// cudnnDataType_t's last value in cuDNN 9.10: CUDNN_DATA_FP4_E2M1
constexpr int kLastDataType = 16;

std::mutex state_mutex;
std::set<cudnnHandle_t> handles;  // the live ones
// Every descriptor ever created, never deleted: a destroyed one is recognised, never reused.
std::vector<std::unique_ptr<Descriptor>> descriptors;

#define ENTER()                    \
    fake_cuda_count_call(__func__); \
    std::lock_guard<std::mutex> lock(state_mutex)

#define RETURN_IF_FAILED(call)                                              \
    if (cudnnStatus_t failure = (call); failure != CUDNN_STATUS_SUCCESS) { \
        return failure;                                                     \
    }

cudnnStatus_t check_handle(cudnnHandle_t handle) {
    if (handle == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    return handles.count(handle) != 0 ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_BAD_PARAM;
}

bool is_known(const Descriptor* descriptor) {
    for (const auto& known : descriptors) {
        if (known.get() == descriptor) {
            return true;
        }
    }
    return false;
}

// A live descriptor of the kind, set unless `set` is false.
cudnnStatus_t check_descriptor(const Descriptor* descriptor, Kind kind, bool set = true) {
    if (descriptor == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    bool usable = is_known(descriptor) && descriptor->live && descriptor->kind == kind;
    return usable && (descriptor->set || !set) ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_BAD_PARAM;
}

cudnnStatus_t create(Descriptor** descriptor, Kind kind) {
    if (descriptor == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    descriptors.push_back(std::make_unique<Descriptor>(Descriptor{kind}));
    *descriptor = descriptors.back().get();
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t destroy(Descriptor* descriptor, Kind kind) {
    // as the real ones, destroying null is allowed
    if (descriptor == nullptr) {
        return CUDNN_STATUS_SUCCESS;
    }
    RETURN_IF_FAILED(check_descriptor(descriptor, kind, false));
    descriptor->live = false;
    return CUDNN_STATUS_SUCCESS;
}

// cudnnSetTensor4dDescriptor's and cudnnSetFilter4dDescriptor's checks, then the set.
cudnnStatus_t set_4d(Descriptor* descriptor, Kind kind, int format, int data_type, int a, int b, int c, int d) {
    RETURN_IF_FAILED(check_descriptor(descriptor, kind, false));
    bool known_format = format >= CUDNN_TENSOR_NCHW && format <= CUDNN_TENSOR_NCHW_VECT_C;
    bool known_type = data_type >= CUDNN_DATA_FLOAT && data_type <= kLastDataType;
    if (a < 1 || b < 1 || c < 1 || d < 1 || !known_format || !known_type) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    if (static_cast<long long>(a) * b * c * d > (1LL << 31) - 1) {
        return CUDNN_STATUS_NOT_SUPPORTED;  // over two giga-elements
    }
    *descriptor = Descriptor{kind, true, true, data_type, format, {a, b, c, d}};
    return CUDNN_STATUS_SUCCESS;
}

// One convolution the fake can run, from its four descriptors: x (n, c, h, w) convolved with the
// filter (k, c, r, r) is y (n, k, oh, ow). `shape` is emu_conv_*'s: n, c, h, w, k, r, pad, stride.
struct Problem {
    int shape[8];
    int oh, ow;
    cudnnMathType_t math;

    int n() const { return shape[0]; }
    int c() const { return shape[1]; }
    int k() const { return shape[4]; }
    int r() const { return shape[5]; }
};

int output_size(int input, int pad, int filter, int stride) {
    return (input + 2 * pad - filter) / stride + 1;
}

// x, filter and convolution alone: the sizes must agree and the filter fit the padded input.
cudnnStatus_t check_input(const Descriptor* conv, const Descriptor* x, const Descriptor* filter) {
    RETURN_IF_FAILED(check_descriptor(conv, Kind::kConvolution));
    RETURN_IF_FAILED(check_descriptor(x, Kind::kTensor));
    RETURN_IF_FAILED(check_descriptor(filter, Kind::kFilter));
    bool fits = x->dims[2] + 2 * conv->pad_h >= filter->dims[2] && x->dims[3] + 2 * conv->pad_w >= filter->dims[3];
    return x->dims[1] == filter->dims[1] && fits ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_BAD_PARAM;
}

cudnnStatus_t resolve(const Descriptor* x, const Descriptor* filter, const Descriptor* conv, const Descriptor* y,
                      Problem* problem) {
    RETURN_IF_FAILED(check_input(conv, x, filter));
    RETURN_IF_FAILED(check_descriptor(y, Kind::kTensor));
    int n = x->dims[0], c = x->dims[1], h = x->dims[2], w = x->dims[3], k = filter->dims[0], r = filter->dims[2];
    if (y->dims[0] != n || y->dims[1] != k) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    bool float_nchw = x->data_type == CUDNN_DATA_FLOAT && y->data_type == CUDNN_DATA_FLOAT
                      && filter->data_type == CUDNN_DATA_FLOAT && x->format == CUDNN_TENSOR_NCHW
                      && y->format == CUDNN_TENSOR_NCHW && filter->format == CUDNN_TENSOR_NCHW;
    bool modelled = conv->mode == CUDNN_CROSS_CORRELATION && conv->dilation_h == 1 && conv->dilation_w == 1
                    && filter->dims[3] == r && conv->pad_w == conv->pad_h && conv->stride_w == conv->stride_h;
    int oh = output_size(h, conv->pad_h, r, conv->stride_h), ow = output_size(w, conv->pad_w, r, conv->stride_w);
    if (!float_nchw || !modelled || y->dims[2] != oh || y->dims[3] != ow) {
        return CUDNN_STATUS_NOT_SUPPORTED;
    }
    *problem = Problem{{n, c, h, w, k, r, conv->pad_h, conv->stride_h}, oh, ow, conv->math};
    return CUDNN_STATUS_SUCCESS;
}

// One algorithm the fake offers for a direction, in the order the lists give them (fastest first).
struct Algorithm {
    int algo;
    cudnnDeterminism_t determinism;
    bool tensor_ops;  // a variant on tensor cores (TF32 for float): not offered under CUDNN_FMA_MATH
};

// The GEMM algorithms' im2col buffer: a column of c * r * r taps per output position of every image.
std::size_t im2col_bytes(const Problem& p) {
    return static_cast<std::size_t>(p.c()) * p.r() * p.r() * p.oh * p.ow * p.n() * sizeof(float);
}

struct Direction {
    int direction;  // EMU_CONV_*
    int algo_count;
    std::vector<Algorithm> offered;
    // the workspace that algo needs, or -1 when the fake does not offer it
    long long (*workspace)(int algo, const Problem& p);
};

const Direction kForward{EMU_CONV_FORWARD, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
    {{CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, CUDNN_DETERMINISTIC, true},
     {CUDNN_CONVOLUTION_FWD_ALGO_GEMM, CUDNN_DETERMINISTIC, false},
     {CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM, CUDNN_DETERMINISTIC, false},
     {CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, CUDNN_DETERMINISTIC, false}},
    [](int algo, const Problem& p) -> long long {
        switch (algo) {
            case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM: return 0;
            // its precomputed table of input offsets, one per tap
            case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM: return 1LL * p.c() * p.r() * p.r() * sizeof(int);
            case CUDNN_CONVOLUTION_FWD_ALGO_GEMM: return im2col_bytes(p);
        }
        return -1;
    }};

const Direction kBackwardData{EMU_CONV_BACKWARD_DATA, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT,
    {{CUDNN_CONVOLUTION_BWD_DATA_ALGO_0, CUDNN_NON_DETERMINISTIC, false},
     {CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, CUDNN_DETERMINISTIC, true},
     {CUDNN_CONVOLUTION_BWD_DATA_ALGO_1, CUDNN_DETERMINISTIC, false}},
    [](int algo, const Problem& p) -> long long {
        switch (algo) {
            case CUDNN_CONVOLUTION_BWD_DATA_ALGO_0: return 0;
            case CUDNN_CONVOLUTION_BWD_DATA_ALGO_1: return im2col_bytes(p);
        }
        return -1;
    }};

const Direction kBackwardFilter{EMU_CONV_BACKWARD_FILTER, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
    {{CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0, CUDNN_NON_DETERMINISTIC, false},
     {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3, CUDNN_NON_DETERMINISTIC, false},
     {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, CUDNN_DETERMINISTIC, true},
     {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1, CUDNN_DETERMINISTIC, false}},
    [](int algo, const Problem& p) -> long long {
        switch (algo) {
            case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0: return 0;
            case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1: return im2col_bytes(p);
            // a partial filter gradient per image
            case CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3:
                return 1LL * p.n() * p.k() * p.c() * p.r() * p.r() * sizeof(float);
        }
        return -1;
    }};

// The direction's workspace for algo: BAD_PARAM outside the enum, NOT_SUPPORTED when not offered.
cudnnStatus_t workspace_of(const Direction& d, int algo, const Problem& p, std::size_t* bytes) {
    if (algo < 0 || algo >= d.algo_count) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    long long needed = d.workspace(algo, p);
    if (needed < 0) {
        return CUDNN_STATUS_NOT_SUPPORTED;
    }
    *bytes = static_cast<std::size_t>(needed);
    return CUDNN_STATUS_SUCCESS;
}

// The perf results of cudnnGet*_v7 and cudnnFind*: the offered algorithms, fastest first. time is
// a rank, not a measurement (-1, as heuristics report, when not "found").
cudnnStatus_t list_algorithms(const Direction& d, const Problem& p, bool found, int requested, int* returned,
                              cudnnConvolutionAlgoPerf_t* results) {
    if (returned == nullptr || results == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    if (requested < 1) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    int count = 0;
    for (const Algorithm& a : d.offered) {
        if (count == requested || (a.tensor_ops && p.math == CUDNN_FMA_MATH)) {
            continue;
        }
        cudnnMathType_t math = a.tensor_ops ? CUDNN_TENSOR_OP_MATH
                               : p.math == CUDNN_FMA_MATH ? CUDNN_FMA_MATH : CUDNN_DEFAULT_MATH;
        float time = found ? 0.01f * static_cast<float>(count + 1) : -1.0f;
        results[count++] = cudnnConvolutionAlgoPerf_t{a.algo, CUDNN_STATUS_SUCCESS, time,
                                                      static_cast<std::size_t>(d.workspace(a.algo, p)), a.determinism,
                                                      math, {}};
    }
    *returned = count;
    return CUDNN_STATUS_SUCCESS;
}

// The heuristics (cudnnGet*_v7) touch no stream: allowed while the handle's stream captures.
cudnnStatus_t get_algorithms(const Direction& d, cudnnHandle_t handle, const Descriptor* x, const Descriptor* filter,
                             const Descriptor* conv, const Descriptor* y, int requested, int* returned,
                             cudnnConvolutionAlgoPerf_t* results) {
    RETURN_IF_FAILED(check_handle(handle));
    Problem p;
    RETURN_IF_FAILED(resolve(x, filter, conv, y, &p));
    return list_algorithms(d, p, false, requested, returned, results);
}

// cudnnFind* times each algorithm on the GPU and waits for it, which a stream capture forbids:
// the driver refuses the wait and invalidates the capture, and the call fails.
cudnnStatus_t find_algorithms(const Direction& d, cudnnHandle_t handle, const Descriptor* x, const Descriptor* filter,
                              const Descriptor* conv, const Descriptor* y, int requested, int* returned,
                              cudnnConvolutionAlgoPerf_t* results) {
    RETURN_IF_FAILED(check_handle(handle));
    Problem p;
    RETURN_IF_FAILED(resolve(x, filter, conv, y, &p));
    if (cuStreamSynchronize(handle->stream) != CUDA_SUCCESS) {
        return CUDNN_STATUS_EXECUTION_FAILED;
    }
    return list_algorithms(d, p, true, requested, returned, results);
}

cudnnStatus_t get_workspace_size(const Direction& d, cudnnHandle_t handle, const Descriptor* x,
                                 const Descriptor* filter, const Descriptor* conv, const Descriptor* y, int algo,
                                 std::size_t* bytes) {
    RETURN_IF_FAILED(check_handle(handle));
    if (bytes == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    Problem p;
    RETURN_IF_FAILED(resolve(x, filter, conv, y, &p));
    return workspace_of(d, algo, p, bytes);
}

// One of the three convolutions: first_input and second_input as emu_conv_*'s two inputs, out its output.
cudnnStatus_t convolve(const Direction& d, cudnnHandle_t handle, const float* alpha, const Descriptor* x,
                       const Descriptor* filter, const Descriptor* conv, const Descriptor* y, const void* first_input,
                       const void* second_input, int algo, void* workspace, std::size_t workspace_bytes,
                       const float* beta, void* out) {
    RETURN_IF_FAILED(check_handle(handle));
    if (alpha == nullptr || beta == nullptr || first_input == nullptr || second_input == nullptr || out == nullptr
            || (workspace == nullptr && workspace_bytes != 0)) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    Problem p;
    RETURN_IF_FAILED(resolve(x, filter, conv, y, &p));
    std::size_t needed = 0;
    RETURN_IF_FAILED(workspace_of(d, algo, p, &needed));
    if (workspace_bytes < needed) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    // alpha and beta are host pointers, read now: a capture keeps their values
    CUresult result = fake_cuda_enqueue_convolution(handle->stream, d.direction, p.shape, *alpha,
                                                    static_cast<const float*>(first_input),
                                                    static_cast<const float*>(second_input), *beta,
                                                    static_cast<float*>(out),
                                                    reinterpret_cast<CUdeviceptr>(workspace), needed);
    return result == CUDA_SUCCESS ? CUDNN_STATUS_SUCCESS : CUDNN_STATUS_EXECUTION_FAILED;
}

}  // namespace

extern "C" {

// As the real one, through the CUDA runtime: initialises the driver and, when the calling
// thread has no context, makes device 0's primary context current.
cudnnStatus_t cudnnCreate(cudnnHandle_t* handle) {
    ENTER();
    if (handle == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    if (!initialize_like_the_runtime()) {
        return CUDNN_STATUS_NOT_INITIALIZED;
    }
    *handle = new cudnnContext();
    handles.insert(*handle);
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnDestroy(cudnnHandle_t handle) {
    ENTER();
    RETURN_IF_FAILED(check_handle(handle));
    handles.erase(handle);
    delete handle;
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, CUstream stream) {
    ENTER();
    RETURN_IF_FAILED(check_handle(handle));
    handle->stream = stream;
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetStream(cudnnHandle_t handle, CUstream* stream) {
    ENTER();
    RETURN_IF_FAILED(check_handle(handle));
    if (stream == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    *stream = handle->stream;
    return CUDNN_STATUS_SUCCESS;
}

// major * 10000 + minor * 100 + patch, as cuDNN 9 encodes it (CUDNN_VERSION); FAKE_CUDNN_VERSION,
// when set, says another (e.g. 8907), for tests of a cuDNN the runtime does not take.
std::size_t cudnnGetVersion() {
    fake_cuda_count_call(__func__);
    const char* configured = std::getenv("FAKE_CUDNN_VERSION");
    return configured != nullptr && *configured != '\0'
               ? std::strtoull(configured, nullptr, 10)
               : static_cast<std::size_t>(kVersion[0] * 10000 + kVersion[1] * 100 + kVersion[2]);
}

cudnnStatus_t cudnnGetProperty(libraryPropertyType type, int* value) {
    ENTER();
    if (value == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    if (type < MAJOR_VERSION || type > PATCH_LEVEL) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    *value = kVersion[type];
    return CUDNN_STATUS_SUCCESS;
}

const char* cudnnGetErrorString(cudnnStatus_t status) {
    fake_cuda_count_call(__func__);
    switch (status) {
#define NAME(code) case code: return #code;
        NAME(CUDNN_STATUS_SUCCESS)
        NAME(CUDNN_STATUS_NOT_INITIALIZED)
        NAME(CUDNN_STATUS_BAD_PARAM)
        NAME(CUDNN_STATUS_BAD_PARAM_NULL_POINTER)
        NAME(CUDNN_STATUS_NOT_SUPPORTED)
        NAME(CUDNN_STATUS_INTERNAL_ERROR)
        NAME(CUDNN_STATUS_EXECUTION_FAILED)
#undef NAME
    }
    return "CUDNN_STATUS_UNKNOWN";
}

cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* descriptor) {
    ENTER();
    return create(descriptor, Kind::kTensor);
}

cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t descriptor, cudnnTensorFormat_t format,
                                         cudnnDataType_t data_type, int n, int c, int h, int w) {
    ENTER();
    return set_4d(descriptor, Kind::kTensor, format, data_type, n, c, h, w);
}

cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t descriptor) {
    ENTER();
    return destroy(descriptor, Kind::kTensor);
}

cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* descriptor) {
    ENTER();
    return create(descriptor, Kind::kFilter);
}

// Note the order: the data type before the format (cudnnSetTensor4dDescriptor's is the reverse).
cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t descriptor, cudnnDataType_t data_type,
                                         cudnnTensorFormat_t format, int k, int c, int h, int w) {
    ENTER();
    return set_4d(descriptor, Kind::kFilter, format, data_type, k, c, h, w);
}

cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t descriptor) {
    ENTER();
    return destroy(descriptor, Kind::kFilter);
}

cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* descriptor) {
    ENTER();
    return create(descriptor, Kind::kConvolution);
}

cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t descriptor, int pad_h, int pad_w, int u,
                                              int v, int dilation_h, int dilation_w, cudnnConvolutionMode_t mode,
                                              cudnnDataType_t compute_type) {
    ENTER();
    RETURN_IF_FAILED(check_descriptor(descriptor, Kind::kConvolution, false));
    if (pad_h < 0 || pad_w < 0 || u < 1 || v < 1 || dilation_h < 1 || dilation_w < 1
            || (mode != CUDNN_CONVOLUTION && mode != CUDNN_CROSS_CORRELATION)) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    if (compute_type != CUDNN_DATA_FLOAT) {
        return CUDNN_STATUS_NOT_SUPPORTED;
    }
    // the math type is kept: it is set on its own (cudnnSetConvolutionMathType)
    cudnnMathType_t math = descriptor->math;
    *descriptor = Descriptor{Kind::kConvolution, true};
    descriptor->pad_h = pad_h;
    descriptor->pad_w = pad_w;
    descriptor->stride_h = u;
    descriptor->stride_w = v;
    descriptor->dilation_h = dilation_h;
    descriptor->dilation_w = dilation_w;
    descriptor->mode = mode;
    descriptor->math = math;
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t descriptor) {
    ENTER();
    return destroy(descriptor, Kind::kConvolution);
}

cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t descriptor, cudnnMathType_t math) {
    ENTER();
    RETURN_IF_FAILED(check_descriptor(descriptor, Kind::kConvolution, false));
    if (math < CUDNN_DEFAULT_MATH || math > CUDNN_FMA_MATH) {
        return CUDNN_STATUS_BAD_PARAM;
    }
    descriptor->math = math;
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetConvolutionMathType(cudnnConvolutionDescriptor_t descriptor, cudnnMathType_t* math) {
    ENTER();
    RETURN_IF_FAILED(check_descriptor(descriptor, Kind::kConvolution, false));
    if (math == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    *math = descriptor->math;
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(cudnnConvolutionDescriptor_t conv, cudnnTensorDescriptor_t x,
                                                    cudnnFilterDescriptor_t filter, int* n, int* c, int* h, int* w) {
    ENTER();
    if (n == nullptr || c == nullptr || h == nullptr || w == nullptr) {
        return CUDNN_STATUS_BAD_PARAM_NULL_POINTER;
    }
    RETURN_IF_FAILED(check_input(conv, x, filter));
    // a dilated filter of r taps spans (r - 1) * dilation + 1
    *n = x->dims[0];
    *c = filter->dims[0];
    *h = output_size(x->dims[2], conv->pad_h, (filter->dims[2] - 1) * conv->dilation_h + 1, conv->stride_h);
    *w = output_size(x->dims[3], conv->pad_w, (filter->dims[3] - 1) * conv->dilation_w + 1, conv->stride_w);
    return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle, cudnnTensorDescriptor_t x,
                                                     cudnnFilterDescriptor_t w, cudnnConvolutionDescriptor_t conv,
                                                     cudnnTensorDescriptor_t y, int requested, int* returned,
                                                     cudnnConvolutionAlgoPerf_t* results) {
    ENTER();
    return get_algorithms(kForward, handle, x, w, conv, y, requested, returned, results);
}

cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t handle, cudnnFilterDescriptor_t w,
                                                          cudnnTensorDescriptor_t dy,
                                                          cudnnConvolutionDescriptor_t conv,
                                                          cudnnTensorDescriptor_t dx, int requested, int* returned,
                                                          cudnnConvolutionAlgoPerf_t* results) {
    ENTER();
    return get_algorithms(kBackwardData, handle, dx, w, conv, dy, requested, returned, results);
}

cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t handle, cudnnTensorDescriptor_t x,
                                                            cudnnTensorDescriptor_t dy,
                                                            cudnnConvolutionDescriptor_t conv,
                                                            cudnnFilterDescriptor_t dw, int requested, int* returned,
                                                            cudnnConvolutionAlgoPerf_t* results) {
    ENTER();
    return get_algorithms(kBackwardFilter, handle, x, dw, conv, dy, requested, returned, results);
}

cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(cudnnHandle_t handle, cudnnTensorDescriptor_t x,
                                                   cudnnFilterDescriptor_t w, cudnnConvolutionDescriptor_t conv,
                                                   cudnnTensorDescriptor_t y, int requested, int* returned,
                                                   cudnnConvolutionAlgoPerf_t* results) {
    ENTER();
    return find_algorithms(kForward, handle, x, w, conv, y, requested, returned, results);
}

cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(cudnnHandle_t handle, cudnnFilterDescriptor_t w,
                                                        cudnnTensorDescriptor_t dy, cudnnConvolutionDescriptor_t conv,
                                                        cudnnTensorDescriptor_t dx, int requested, int* returned,
                                                        cudnnConvolutionAlgoPerf_t* results) {
    ENTER();
    return find_algorithms(kBackwardData, handle, dx, w, conv, dy, requested, returned, results);
}

cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(cudnnHandle_t handle, cudnnTensorDescriptor_t x,
                                                          cudnnTensorDescriptor_t dy,
                                                          cudnnConvolutionDescriptor_t conv,
                                                          cudnnFilterDescriptor_t dw, int requested, int* returned,
                                                          cudnnConvolutionAlgoPerf_t* results) {
    ENTER();
    return find_algorithms(kBackwardFilter, handle, x, dw, conv, dy, requested, returned, results);
}

cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t handle, cudnnTensorDescriptor_t x,
                                                      cudnnFilterDescriptor_t w, cudnnConvolutionDescriptor_t conv,
                                                      cudnnTensorDescriptor_t y, int algo, std::size_t* bytes) {
    ENTER();
    return get_workspace_size(kForward, handle, x, w, conv, y, algo, bytes);
}

cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(cudnnHandle_t handle, cudnnFilterDescriptor_t w,
                                                           cudnnTensorDescriptor_t dy,
                                                           cudnnConvolutionDescriptor_t conv,
                                                           cudnnTensorDescriptor_t dx, int algo, std::size_t* bytes) {
    ENTER();
    return get_workspace_size(kBackwardData, handle, dx, w, conv, dy, algo, bytes);
}

cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnnHandle_t handle, cudnnTensorDescriptor_t x,
                                                             cudnnTensorDescriptor_t dy,
                                                             cudnnConvolutionDescriptor_t conv,
                                                             cudnnFilterDescriptor_t dw, int algo,
                                                             std::size_t* bytes) {
    ENTER();
    return get_workspace_size(kBackwardFilter, handle, x, dw, conv, dy, algo, bytes);
}

// y = alpha conv(x, w) + beta y
cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t x_desc,
                                      const void* x, cudnnFilterDescriptor_t w_desc, const void* w,
                                      cudnnConvolutionDescriptor_t conv, int algo, void* workspace,
                                      std::size_t workspace_bytes, const void* beta, cudnnTensorDescriptor_t y_desc,
                                      void* y) {
    ENTER();
    return convolve(kForward, handle, static_cast<const float*>(alpha), x_desc, w_desc, conv, y_desc, x, w, algo,
                    workspace, workspace_bytes, static_cast<const float*>(beta), y);
}

// dx = alpha (the gradient of the convolution with respect to x, given dy) + beta dx
cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void* alpha, cudnnFilterDescriptor_t w_desc,
                                           const void* w, cudnnTensorDescriptor_t dy_desc, const void* dy,
                                           cudnnConvolutionDescriptor_t conv, int algo, void* workspace,
                                           std::size_t workspace_bytes, const void* beta,
                                           cudnnTensorDescriptor_t dx_desc, void* dx) {
    ENTER();
    return convolve(kBackwardData, handle, static_cast<const float*>(alpha), dx_desc, w_desc, conv, dy_desc, dy, w,
                    algo, workspace, workspace_bytes, static_cast<const float*>(beta), dx);
}

// dw = alpha (the gradient of the convolution with respect to w, given dy, summed over the batch) + beta dw
cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void* alpha, cudnnTensorDescriptor_t x_desc,
                                             const void* x, cudnnTensorDescriptor_t dy_desc, const void* dy,
                                             cudnnConvolutionDescriptor_t conv, int algo, void* workspace,
                                             std::size_t workspace_bytes, const void* beta,
                                             cudnnFilterDescriptor_t dw_desc, void* dw) {
    ENTER();
    return convolve(kBackwardFilter, handle, static_cast<const float*>(alpha), x_desc, dw_desc, conv, dy_desc, x, dy,
                    algo, workspace, workspace_bytes, static_cast<const float*>(beta), dw);
}

}  // extern "C"
