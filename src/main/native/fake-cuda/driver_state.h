// The fake driver's state, shared by its entry points (fake_driver.cpp: initialisation,
// devices, contexts, memory, modules, launches; fake_streams.cpp: streams, capture, graphs).
// One lock guards it all: every entry point holds it for its whole run, work included, as
// work runs synchronously (on the PTX interpreter or the emulator). Handle objects are never
// deleted, so a stale handle (a released context, an unloaded module, a destroyed stream) is
// recognised, never reused.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "call_log.h"
#include "cuda_driver_abi.h"
#include "fake_config.h"
#include "ptx_module.h"
#include "ptx_program.h"

// One piece of work on a stream: a kernel, a copy, a memset, a GEMM. It runs when enqueued,
// or later (when recorded by a capture) on each launch of the graph.
using Work = std::function<CUresult()>;

struct CUctx_st {
    CUdevice device;
    int retains = 0;
    bool live = true;
    CUresult sticky = CUDA_SUCCESS;  // a fault that every later call on the context reports
};

struct Capture {
    CUstreamCaptureStatus status = CU_STREAM_CAPTURE_STATUS_NONE;
    CUstreamCaptureMode mode = CU_STREAM_CAPTURE_MODE_GLOBAL;
    std::thread::id thread;  // the thread that began it
    std::vector<Work> nodes;
};

struct CUstream_st {
    CUcontext context;
    unsigned int flags;
    bool live = true;
    Capture capture;
};

struct CUmod_st {
    CUcontext context;
    fake_cuda::PtxModule ptx;
    std::shared_ptr<const fake_cuda::ptx::Program> program;  // the PTX engine's, null on the emulator's
    bool live = true;
};

struct CUfunc_st {
    CUmodule module;
    const fake_cuda::PtxEntry* entry;
    const void* kernel;  // the emulator's twin of the entry, or null when it has none
    const fake_cuda::ptx::Entry* interpreted;  // the PTX engine's entry, null on the emulator's
};

struct CUgraph_st {
    std::vector<Work> nodes;
    bool live = true;
};

struct CUgraphExec_st {
    CUcontext context;
    std::vector<Work> nodes;
    bool live = true;
};

namespace fake_cuda {

struct Allocation {
    std::size_t bytes;
    CUcontext context;
};

struct DriverState {
    bool initialized = false;
    FakeConfig config;
    std::map<CUdevice, CUcontext> primary_contexts;  // the current one of each device
    std::map<CUdeviceptr, Allocation> allocations;   // cuMemAlloc's live ones, by address
    std::set<void*> host_allocations;                // cuMemAllocHost's live ones
    long long failing_kernel_launches = 0;           // launches of config.failing_kernel so far
    std::mt19937_64 block_shuffler;                  // the PTX engine's block order (the emulator has its own)
    // Every handle ever given out (see the header comment).
    std::vector<std::unique_ptr<CUctx_st>> contexts;
    std::vector<std::unique_ptr<CUstream_st>> streams;
    std::vector<std::unique_ptr<CUmod_st>> modules;
    std::vector<std::unique_ptr<CUfunc_st>> functions;
    std::vector<std::unique_ptr<CUgraph_st>> graphs;
    std::vector<std::unique_ptr<CUgraphExec_st>> graph_execs;
};

std::recursive_mutex& driver_mutex();
DriverState& driver();

// The calling thread's current context (null when none).
CUcontext& current_context();

// CUDA_SUCCESS when cuInit has succeeded, else CUDA_ERROR_NOT_INITIALIZED.
CUresult require_initialized();

// *context = the calling thread's current context when the driver is initialised and that
// context is live and has not faulted; else the error the real driver gives.
CUresult require_context(CUcontext* context);

// The fault of a kernel or a copy: sticky on the context, as on a GPU, said on stderr.
CUresult fault(CUcontext context, CUresult code, const std::string& what);

// CUDA_ERROR_LAUNCH_FAILED, sticky, when this launch of the kernel is the one FAKE_CUDA_FAIL_KERNEL
// names; else CUDA_SUCCESS.
CUresult inject_launch_failure(CUcontext context, const std::string& kernel);

// True when [address, address + bytes) lies inside one live cuMemAlloc allocation.
bool is_device_range(CUdeviceptr address, std::size_t bytes);

// Runs the work on the stream (null or CU_STREAM_LEGACY: the legacy stream), or records it
// when the stream is capturing; the stream must belong to the current context.
CUresult enqueue(CUstream stream, Work work);

// The rule of stream capture for "potentially unsafe" calls (cuMemAlloc, cuMemFree, synchronous
// copies): refused while the calling thread captures (in a mode other than relaxed) or another
// thread captures in global mode; those captures are invalidated.
CUresult refuse_if_capture_forbids_unsafe_call();

// Every stream's capture ends, and every context, stream, module and graph becomes stale
// (for fake_cuda_reset and the release of a primary context: context null means all of them).
void invalidate_handles_of(CUcontext context);

}  // namespace fake_cuda

// Every entry point counts its call and holds the driver's lock.
#define ENTER()                   \
    fake_cuda::count_call(__func__); \
    std::lock_guard<std::recursive_mutex> lock(fake_cuda::driver_mutex())

// Returns the call's result unless it is CUDA_SUCCESS.
#define RETURN_IF_FAILED(call)                                  \
    if (CUresult failure = (call); failure != CUDA_SUCCESS) {   \
        return failure;                                         \
    }
