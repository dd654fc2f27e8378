// The fake CUDA driver's streams, stream capture and graphs. Work runs when it is enqueued
// (every stream is synchronous), unless the stream is capturing: then it is recorded, and
// cuGraphLaunch replays the recorded work in order. What capture forbids is refused with the
// real codes (CUDA Programming Guide, "Prohibited and Unhandled Operations").
#include <algorithm>
#include <array>

#include "../emulator_api.h"
#include "driver_state.h"
#include "fake_library.h"

using namespace fake_cuda;

namespace {

bool is_legacy(CUstream stream) {
    return stream == nullptr || stream == CU_STREAM_LEGACY || stream == CU_STREAM_PER_THREAD;
}

// CUDA_SUCCESS when the stream is one the context created and has not destroyed.
CUresult check_stream(CUstream stream, CUcontext context) {
    const auto& streams = driver().streams;
    bool known = std::any_of(streams.begin(), streams.end(), [&](const auto& s) { return s.get() == stream; });
    return known && stream->live && stream->context == context ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

bool is_capturing(CUstream stream) {
    return !is_legacy(stream) && stream->capture.status != CU_STREAM_CAPTURE_STATUS_NONE;
}

void invalidate(Capture& capture) {
    capture.status = CU_STREAM_CAPTURE_STATUS_INVALIDATED;
    capture.nodes.clear();
}

// Waiting for a capturing stream is forbidden: it would wait for work that does not run. Work
// has always finished otherwise (it ran when enqueued), so a query never says CUDA_ERROR_NOT_READY.
CUresult wait_for(CUstream stream) {
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (is_legacy(stream)) {
        return CUDA_SUCCESS;
    }
    RETURN_IF_FAILED(check_stream(stream, context));
    if (is_capturing(stream)) {
        invalidate(stream->capture);
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    return CUDA_SUCCESS;
}

CUresult run_all(const std::vector<Work>& nodes) {
    for (const Work& work : nodes) {
        RETURN_IF_FAILED(work());
    }
    return CUDA_SUCCESS;
}

// Work that is not captured runs now; a fault it makes is sticky on the context and, as on a GPU,
// where the work would run later, reported by the calls that follow, not by the one that queued it.
CUresult run_now(const Work& work) {
    work();
    return CUDA_SUCCESS;
}

}  // namespace

namespace fake_cuda {

CUresult enqueue(CUstream stream, Work work) {
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (is_legacy(stream)) {
        return run_now(work);
    }
    RETURN_IF_FAILED(check_stream(stream, context));
    switch (stream->capture.status) {
        case CU_STREAM_CAPTURE_STATUS_ACTIVE:
            stream->capture.nodes.push_back(std::move(work));
            return CUDA_SUCCESS;
        case CU_STREAM_CAPTURE_STATUS_INVALIDATED:
            return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
        default:
            return run_now(work);
    }
}

CUresult refuse_if_capture_forbids_unsafe_call() {
    std::thread::id self = std::this_thread::get_id();
    bool refused = false;
    for (const auto& stream : driver().streams) {
        Capture& capture = stream->capture;
        if (!stream->live || capture.status == CU_STREAM_CAPTURE_STATUS_NONE) {
            continue;
        }
        // the calling thread's mode of interaction is the default, global
        bool own = capture.thread == self && capture.mode != CU_STREAM_CAPTURE_MODE_RELAXED;
        if (own || (capture.thread != self && capture.mode == CU_STREAM_CAPTURE_MODE_GLOBAL)) {
            invalidate(capture);
            refused = true;
        }
    }
    return refused ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}

void invalidate_handles_of(CUcontext context) {
    DriverState& state = driver();
    auto owned = [context](CUcontext owner) { return context == nullptr || owner == context; };
    for (auto it = state.allocations.begin(); it != state.allocations.end();) {
        if (owned(it->second.context)) {
            emu_free(reinterpret_cast<void*>(it->first));
            it = state.allocations.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& stream : state.streams) {
        if (owned(stream->context)) {
            stream->live = false;
        }
    }
    for (const auto& module : state.modules) {
        if (owned(module->context)) {
            module->live = false;
        }
    }
    for (const auto& exec : state.graph_execs) {
        if (owned(exec->context)) {
            exec->live = false;
        }
    }
    for (const auto& owner : state.contexts) {
        if (owned(owner.get())) {
            owner->live = false;
        }
    }
    if (context == nullptr) {
        for (const auto& graph : state.graphs) {
            graph->live = false;
        }
    }
}

}  // namespace fake_cuda

extern "C" {

CUresult cuStreamCreate(CUstream* stream, unsigned int flags) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (stream == nullptr || (flags != CU_STREAM_DEFAULT && flags != CU_STREAM_NON_BLOCKING)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    auto& streams = driver().streams;
    streams.push_back(std::make_unique<CUstream_st>(CUstream_st{context, flags, true, Capture{}}));
    *stream = streams.back().get();
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream stream) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (is_legacy(stream)) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    RETURN_IF_FAILED(check_stream(stream, context));
    stream->live = false;
    return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream stream) {
    ENTER();
    return wait_for(stream);
}

CUresult cuStreamQuery(CUstream stream) {
    ENTER();
    return wait_for(stream);
}

CUresult cuCtxSynchronize() {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    bool capturing = false;
    for (const auto& stream : driver().streams) {
        if (stream->live && stream->context == context && is_capturing(stream.get())) {
            invalidate(stream->capture);
            capturing = true;
        }
    }
    return capturing ? CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED : CUDA_SUCCESS;
}

CUresult cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode mode) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (is_legacy(stream)) {
        // the legacy stream cannot capture (the per-thread stream could; it is not modelled)
        return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    }
    RETURN_IF_FAILED(check_stream(stream, context));
    if (mode != CU_STREAM_CAPTURE_MODE_GLOBAL && mode != CU_STREAM_CAPTURE_MODE_THREAD_LOCAL
            && mode != CU_STREAM_CAPTURE_MODE_RELAXED) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (is_capturing(stream)) {
        return CUDA_ERROR_ILLEGAL_STATE;
    }
    stream->capture = Capture{CU_STREAM_CAPTURE_STATUS_ACTIVE, mode, std::this_thread::get_id(), {}};
    return CUDA_SUCCESS;
}

CUresult cuStreamEndCapture(CUstream stream, CUgraph* graph) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (graph == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (is_legacy(stream)) {
        return CUDA_ERROR_ILLEGAL_STATE;
    }
    RETURN_IF_FAILED(check_stream(stream, context));
    Capture& capture = stream->capture;
    if (capture.status == CU_STREAM_CAPTURE_STATUS_NONE) {
        return CUDA_ERROR_ILLEGAL_STATE;
    }
    if (capture.mode != CU_STREAM_CAPTURE_MODE_RELAXED && capture.thread != std::this_thread::get_id()) {
        return CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD;
    }
    bool invalidated = capture.status == CU_STREAM_CAPTURE_STATUS_INVALIDATED;
    std::vector<Work> nodes = std::move(capture.nodes);
    capture = Capture{};
    if (invalidated) {
        *graph = nullptr;
        return CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    }
    auto& graphs = driver().graphs;
    graphs.push_back(std::make_unique<CUgraph_st>(CUgraph_st{std::move(nodes)}));
    *graph = graphs.back().get();
    return CUDA_SUCCESS;
}

CUresult cuStreamIsCapturing(CUstream stream, CUstreamCaptureStatus* status) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (status == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (is_legacy(stream)) {
        *status = CU_STREAM_CAPTURE_STATUS_NONE;
        return CUDA_SUCCESS;
    }
    RETURN_IF_FAILED(check_stream(stream, context));
    *status = stream->capture.status;
    return CUDA_SUCCESS;
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec* exec, CUgraph graph, unsigned long long flags) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    // CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH, _UPLOAD, _DEVICE_LAUNCH, _USE_NODE_PRIORITY
    constexpr unsigned long long kKnownFlags = 1 | 2 | 4 | 8;
    if (exec == nullptr || graph == nullptr || (flags & ~kKnownFlags) != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    const auto& graphs = driver().graphs;
    bool known = std::any_of(graphs.begin(), graphs.end(), [&](const auto& g) { return g.get() == graph; });
    if (!known || !graph->live) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    auto& execs = driver().graph_execs;
    execs.push_back(std::make_unique<CUgraphExec_st>(CUgraphExec_st{context, graph->nodes}));
    *exec = execs.back().get();
    return CUDA_SUCCESS;
}

CUresult cuGraphLaunch(CUgraphExec exec, CUstream stream) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    const auto& execs = driver().graph_execs;
    bool known = std::any_of(execs.begin(), execs.end(), [&](const auto& e) { return e.get() == exec; });
    if (exec == nullptr || !known || !exec->live || exec->context != context) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::vector<Work> nodes = exec->nodes;
    return enqueue(stream, [nodes] { return run_all(nodes); });
}

CUresult cuGraphExecDestroy(CUgraphExec exec) {
    ENTER();
    RETURN_IF_FAILED(require_initialized());
    const auto& execs = driver().graph_execs;
    bool known = std::any_of(execs.begin(), execs.end(), [&](const auto& e) { return e.get() == exec; });
    if (!known || !exec->live) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    exec->live = false;
    exec->nodes.clear();
    return CUDA_SUCCESS;
}

CUresult cuGraphDestroy(CUgraph graph) {
    ENTER();
    RETURN_IF_FAILED(require_initialized());
    const auto& graphs = driver().graphs;
    bool known = std::any_of(graphs.begin(), graphs.end(), [&](const auto& g) { return g.get() == graph; });
    if (!known || !graph->live) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    graph->live = false;
    graph->nodes.clear();
    return CUDA_SUCCESS;
}

// For the fake cuBLAS: a column-major sgemm (emu_sgemm's arguments) as work on the stream,
// run now or recorded by its capture; a GEMM that touches memory outside the live
// allocations faults as a kernel would.
CUresult fake_cuda_enqueue_sgemm(CUstream stream, int trans_a, int trans_b, int m, int n, int k, float alpha,
                                 const float* a, int lda, const float* b, int ldb, float beta, float* c, int ldc) {
    std::lock_guard<std::recursive_mutex> lock(driver_mutex());
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    return enqueue(stream, [=] {
        if (emu_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) != EMU_OK) {
            return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS, std::string("cublasSgemm_v2: ") + emu_last_error());
        }
        return CUDA_SUCCESS;
    });
}

// For the fake cuDNN: a convolution (direction EMU_CONV_FORWARD, _BACKWARD_DATA or _BACKWARD_FILTER;
// emu_conv_*'s arguments, first_input and second_input its two inputs in its order) as work on the
// stream, run now or recorded by its capture with these pointers and scalars. A convolution that
// touches memory outside the live allocations, its workspace included, faults as a kernel would.
CUresult fake_cuda_enqueue_convolution(CUstream stream, int direction, const int shape[8], float alpha,
                                       const float* first_input, const float* second_input, float beta, float* out,
                                       CUdeviceptr workspace, std::size_t workspace_bytes) {
    std::lock_guard<std::recursive_mutex> lock(driver_mutex());
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (direction < EMU_CONV_FORWARD || direction > EMU_CONV_BACKWARD_FILTER) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::array<int, 8> s;
    std::copy(shape, shape + 8, s.begin());
    return enqueue(stream, [=] {
        static constexpr const char* kNames[] = {"cudnnConvolutionForward", "cudnnConvolutionBackwardData",
                                                 "cudnnConvolutionBackwardFilter"};
        if (workspace_bytes != 0 && !is_device_range(workspace, workspace_bytes)) {
            return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS, std::string(kNames[direction])
                                                                  + ": a workspace outside the device allocations");
        }
        auto run = direction == EMU_CONV_FORWARD ? emu_conv_forward
                   : direction == EMU_CONV_BACKWARD_DATA ? emu_conv_backward_data : emu_conv_backward_filter;
        if (run(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], alpha, first_input, second_input, beta, out) != EMU_OK) {
            return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS, std::string(kNames[direction]) + ": " + emu_last_error());
        }
        return CUDA_SUCCESS;
    });
}

}  // extern "C"
