// The fake CUDA driver's entry points for initialisation, devices, primary contexts, memory,
// modules and kernel launches, under their real names (cuMemAlloc_v2 ...) and with the real
// error codes; kernels run on the PTX interpreter (ptx_engine.h) or the CPU emulator. See
// fake_config.h for its configuration.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../emulator_api.h"
#include "driver_state.h"
#include "jit_logs.h"
#include "ptx_engine.h"
#include "ptx_parser.h"

using namespace fake_cuda;

namespace fake_cuda {

std::recursive_mutex& driver_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

DriverState& driver() {
    static DriverState state;
    return state;
}

CUcontext& current_context() {
    thread_local CUcontext context = nullptr;
    return context;
}

CUresult require_initialized() {
    return driver().initialized ? CUDA_SUCCESS : CUDA_ERROR_NOT_INITIALIZED;
}

CUresult require_context(CUcontext* context) {
    RETURN_IF_FAILED(require_initialized());
    CUcontext current = current_context();
    if (current == nullptr || !current->live) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    *context = current;
    return current->sticky;
}

CUresult fault(CUcontext context, CUresult code, const std::string& what) {
    std::fprintf(stderr, "fake libcuda: %s: error %d, sticky on the context\n", what.c_str(), code);
    if (context->sticky == CUDA_SUCCESS) {
        context->sticky = code;
    }
    return context->sticky;
}

CUresult inject_launch_failure(CUcontext context, const std::string& kernel) {
    DriverState& state = driver();
    if (kernel == state.config.failing_kernel && state.failing_kernel_launches++ == state.config.launches_before_failure) {
        return fault(context, CUDA_ERROR_LAUNCH_FAILED, kernel + ": injected launch failure (FAKE_CUDA_FAIL_KERNEL)");
    }
    return CUDA_SUCCESS;
}

bool is_device_range(CUdeviceptr address, std::size_t bytes) {
    const auto& allocations = driver().allocations;
    auto it = allocations.upper_bound(address);
    if (it == allocations.begin()) {
        return false;
    }
    --it;
    return address + bytes <= it->first + it->second.bytes;
}

}  // namespace fake_cuda

namespace {

constexpr unsigned int kMaxThreadsPerBlock = 1024;
constexpr unsigned int kMaxBlockDim[3] = {1024, 1024, 64};
constexpr unsigned int kMaxGridDim[3] = {2147483647u, 65535u, 65535u};
constexpr int kMaxSharedMemoryPerBlock = 48 * 1024;

// A grid's or a block's size in each dimension.
struct Extent {
    unsigned int x, y, z;
};

CUresult require_device(CUdevice device) {
    RETURN_IF_FAILED(require_initialized());
    return device >= 0 && device < driver().config.device_count ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

// True when the kernel's C parameter (emulator signature letter) can take a PTX parameter.
bool parameter_matches(char letter, const PtxParameter& parameter) {
    char kind = parameter.type[0];
    switch (letter) {
        case 'p':
        case 'u':
            return parameter.bytes == 8 && kind != 'f';
        case 'i':
            return parameter.bytes == 4 && kind != 'f';
        case 'f':
            return parameter.type == "f32";
        default:
            return false;
    }
}

// Why the function cannot run on the emulator (no twin, or parameters that disagree), or "".
std::string emulation_mismatch(const CUfunc_st& function) {
    const std::string& name = function.entry->name;
    if (function.kernel == nullptr) {
        return name + ": the emulator has no kernel of this name";
    }
    std::string signature = emu_kernel_signature(function.kernel);
    const auto& parameters = function.entry->parameters;
    if (signature.size() != parameters.size()) {
        return name + ": the PTX entry has " + std::to_string(parameters.size())
                + " parameters, the emulated kernel " + std::to_string(signature.size());
    }
    for (std::size_t i = 0; i < parameters.size(); i++) {
        if (!parameter_matches(signature[i], parameters[i])) {
            return name + ": parameter " + std::to_string(i) + " is ." + parameters[i].type
                    + " in the PTX but '" + signature[i] + "' in the emulated kernel";
        }
    }
    return "";
}

// The launch's work on the emulator's engine: parameter values copied now, as the driver does;
// run by the kernel's C++ twin, faulting on a pointer parameter outside every live allocation.
Work emulated_kernel_work(CUcontext context, CUfunction function, Extent grid, Extent block, void** kernel_params) {
    std::vector<std::vector<unsigned char>> values;
    for (std::size_t i = 0; i < function->entry->parameters.size(); i++) {
        auto* bytes = static_cast<const unsigned char*>(kernel_params[i]);
        values.emplace_back(bytes, bytes + function->entry->parameters[i].bytes);
    }
    return [context, function, grid, block, values]() mutable {
        const std::string& name = function->entry->name;
        std::string signature = emu_kernel_signature(function->kernel);
        std::vector<void*> args;
        for (std::size_t i = 0; i < values.size(); i++) {
            CUdeviceptr pointer = 0;
            if (signature[i] == 'p') {
                std::memcpy(&pointer, values[i].data(), sizeof pointer);
                if (!is_device_range(pointer, 1)) {
                    char address[32];
                    std::snprintf(address, sizeof address, "%#llx", pointer);
                    return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS,
                                 name + ": parameter " + std::to_string(i) + " = " + address
                                         + " is not in a live allocation");
                }
            }
            args.push_back(values[i].data());
        }
        if (CUresult injected = inject_launch_failure(context, name); injected != CUDA_SUCCESS) {
            return injected;
        }
        if (emu_launch(function->kernel, grid.x, grid.y, grid.z, block.x, block.y, block.z, args.data()) != EMU_OK) {
            return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS, emu_last_error());
        }
        return CUDA_SUCCESS;
    };
}

// How ptxas begins a message about a line of its input.
std::string ptxas_at_line(int line) {
    return "ptxas application ptx input, line " + std::to_string(line) + "; ";
}

// The JIT's verdict on PTX text, as the real one gives it: the module loaded into the context, or
// the error with the line ptxas would log for it in *log.
CUresult jit_ptx(const char* text, CUcontext context, CUmodule* module, std::string* log) {
    std::string why;
    std::optional<PtxModule> ptx = parse_ptx(text, &why);
    if (!ptx) {
        *log = "ptxas fatal   : " + why;
        return CUDA_ERROR_INVALID_PTX;
    }
    const FakeConfig& config = driver().config;
    int needed = driver_version_for_ptx_isa(ptx->version_major, ptx->version_minor);
    if (needed == 0 || needed > config.driver_version) {
        *log = ptxas_at_line(ptx->version_line) + "fatal   : Unsupported .version " + std::to_string(ptx->version_major)
                + "." + std::to_string(ptx->version_minor) + "; current version is '"
                + newest_ptx_isa(config.driver_version) + "'";
        return CUDA_ERROR_UNSUPPORTED_PTX_VERSION;
    }
    if (ptx->target_sm > config.cc_major * 10 + config.cc_minor) {
        *log = ptxas_at_line(ptx->target_line)
                + "fatal   : SM version specified by .target is higher than default SM version assumed";
        return CUDA_ERROR_INVALID_PTX;
    }
    std::shared_ptr<const ptx::Program> program;
    if (config.ptx_engine) {
        RETURN_IF_FAILED(compile_for_interpreter(text, &program, log));
    }
    auto& modules = driver().modules;
    modules.push_back(std::make_unique<CUmod_st>(CUmod_st{context, std::move(*ptx), std::move(program)}));
    *module = modules.back().get();
    return CUDA_SUCCESS;
}

// cuModuleLoadData and cuModuleLoadDataEx: the module of PTX text (NUL-terminated), its JIT's
// logs written as the options ask (jit_logs.h), a refusal also said on stderr.
CUresult load_module(const char* entry, CUmodule* module, const void* image, unsigned int count,
                     CUjit_option* options, void** values) {
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (module == nullptr || image == nullptr || (count > 0 && (options == nullptr || values == nullptr))) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    JitLogs logs;
    if (int option = 0; !read_jit_log_options(count, options, values, &logs, &option)) {
        std::fprintf(stderr, "fake libcuda: %s: JIT option %d is not modelled\n", entry, option);
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::string error;
    CUresult result = jit_ptx(static_cast<const char*>(image), context, module, &error);
    if (result != CUDA_SUCCESS) {
        std::fprintf(stderr, "fake libcuda: %s: %s\n", entry, error.c_str());
    }
    logs.error.write(error);
    logs.info.write("");  // the JIT says nothing more, as without CU_JIT_LOG_VERBOSE
    return result;
}

}  // namespace

extern "C" {

CUresult cuDriverGetVersion(int* version) {
    ENTER();
    if (version == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    // Answers before cuInit too, as the real one does; the environment's value if not initialised.
    *version = driver().initialized ? driver().config.driver_version : read_config().driver_version;
    return CUDA_SUCCESS;
}

CUresult cuInit(unsigned int flags) {
    ENTER();
    if (flags != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    DriverState& state = driver();
    if (state.initialized) {
        return CUDA_SUCCESS;
    }
    state.config = read_config();
    write_call_log_at_exit(state.config.call_log.c_str());
    if (state.config.device_count <= 0) {
        return CUDA_ERROR_NO_DEVICE;
    }
    emu_set_memory_limit(state.config.memory_bytes);
    emu_shuffle_blocks(state.config.shuffle_blocks ? 1 : 0, state.config.shuffle_seed);
    state.block_shuffler.seed(state.config.shuffle_seed);
    state.failing_kernel_launches = 0;
    state.initialized = true;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int* count) {
    ENTER();
    RETURN_IF_FAILED(require_initialized());
    if (count == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *count = driver().config.device_count;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    ENTER();
    RETURN_IF_FAILED(require_device(ordinal));
    if (device == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *device = ordinal;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int length, CUdevice device) {
    ENTER();
    RETURN_IF_FAILED(require_device(device));
    if (name == nullptr || length <= 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::snprintf(name, static_cast<std::size_t>(length), "%s", driver().config.device_name.c_str());
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice device) {
    ENTER();
    RETURN_IF_FAILED(require_device(device));
    if (value == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    const FakeConfig& config = driver().config;
    switch (attribute) {
        case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *value = kMaxThreadsPerBlock; break;
        case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: *value = kMaxBlockDim[0]; break;
        case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: *value = kMaxBlockDim[1]; break;
        case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: *value = kMaxBlockDim[2]; break;
        case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: *value = static_cast<int>(kMaxGridDim[0]); break;
        case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: *value = kMaxGridDim[1]; break;
        case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: *value = kMaxGridDim[2]; break;
        case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: *value = kMaxSharedMemoryPerBlock; break;
        case CU_DEVICE_ATTRIBUTE_WARP_SIZE: *value = 32; break;
        // the emulator's, so grids sized by it match the emulated runtime's
        case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *value = emu_multiprocessor_count(); break;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = config.cc_major; break;
        case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = config.cc_minor; break;
        default:
            // a real attribute this fake does not model: refused loudly rather than made up
            std::fprintf(stderr, "fake libcuda: cuDeviceGetAttribute(%d) is not modelled\n", attribute);
            return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem_v2(std::size_t* bytes, CUdevice device) {
    ENTER();
    RETURN_IF_FAILED(require_device(device));
    if (bytes == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::size_t free = 0;
    emu_mem_get_info(&free, bytes);
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device) {
    ENTER();
    RETURN_IF_FAILED(require_device(device));
    if (context == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    DriverState& state = driver();
    CUcontext& primary = state.primary_contexts[device];
    if (primary == nullptr || !primary->live) {
        state.contexts.push_back(std::make_unique<CUctx_st>(CUctx_st{device}));
        primary = state.contexts.back().get();
    }
    primary->retains++;
    *context = primary;
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
    ENTER();
    RETURN_IF_FAILED(require_device(device));
    CUcontext primary = driver().primary_contexts[device];
    if (primary == nullptr || !primary->live) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    if (--primary->retains == 0) {
        // the last release destroys the context and everything in it
        invalidate_handles_of(primary);
    }
    return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext context) {
    ENTER();
    RETURN_IF_FAILED(require_initialized());
    if (context != nullptr && !context->live) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    current_context() = context;
    return CUDA_SUCCESS;
}

CUresult cuCtxGetCurrent(CUcontext* context) {
    ENTER();
    RETURN_IF_FAILED(require_initialized());
    if (context == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *context = current_context();
    return CUDA_SUCCESS;
}

CUresult cuMemGetInfo_v2(std::size_t* free, std::size_t* total) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (free == nullptr || total == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    emu_mem_get_info(free, total);
    return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr* pointer, std::size_t bytes) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    RETURN_IF_FAILED(refuse_if_capture_forbids_unsafe_call());
    if (pointer == nullptr || bytes == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    void* address = nullptr;
    int result = emu_malloc(bytes, &address);
    if (result == EMU_OUT_OF_MEMORY) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    if (result != EMU_OK) {
        std::fprintf(stderr, "fake libcuda: cuMemAlloc_v2: %s\n", emu_last_error());
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    *pointer = reinterpret_cast<CUdeviceptr>(address);
    driver().allocations[*pointer] = Allocation{bytes, context};
    return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr pointer) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    RETURN_IF_FAILED(refuse_if_capture_forbids_unsafe_call());
    auto& allocations = driver().allocations;
    auto it = allocations.find(pointer);
    if (it == allocations.end()) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    emu_free(reinterpret_cast<void*>(pointer));
    allocations.erase(it);
    return CUDA_SUCCESS;
}

CUresult cuMemAllocHost_v2(void** pointer, std::size_t bytes) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (pointer == nullptr || bytes == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    constexpr std::size_t kPage = 4096;
    *pointer = std::aligned_alloc(kPage, (bytes + kPage - 1) / kPage * kPage);
    if (*pointer == nullptr) {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }
    driver().host_allocations.insert(*pointer);
    return CUDA_SUCCESS;
}

CUresult cuMemFreeHost(void* pointer) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (driver().host_allocations.erase(pointer) == 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    std::free(pointer);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr destination, const void* source, std::size_t bytes) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    RETURN_IF_FAILED(refuse_if_capture_forbids_unsafe_call());
    if (bytes != 0 && (source == nullptr || !is_device_range(destination, bytes))) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    emu_memcpy(reinterpret_cast<void*>(destination), source, bytes, 1);
    return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void* destination, CUdeviceptr source, std::size_t bytes) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    RETURN_IF_FAILED(refuse_if_capture_forbids_unsafe_call());
    if (bytes != 0 && (destination == nullptr || !is_device_range(source, bytes))) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    emu_memcpy(destination, reinterpret_cast<const void*>(source), bytes, 2);
    return CUDA_SUCCESS;
}

// The asynchronous copies and the memset check their device range when called, as the real
// driver does, and again when they run (a graph may replay after a free: a fault then).
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void* source, std::size_t bytes, CUstream stream) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (bytes != 0 && (source == nullptr || !is_device_range(destination, bytes))) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return enqueue(stream, [=] {
        if (!is_device_range(destination, bytes)) {
            return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS, "cuMemcpyHtoDAsync_v2 into memory freed since");
        }
        emu_memcpy(reinterpret_cast<void*>(destination), source, bytes, 1);
        return CUDA_SUCCESS;
    });
}

CUresult cuMemcpyDtoHAsync_v2(void* destination, CUdeviceptr source, std::size_t bytes, CUstream stream) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (bytes != 0 && (destination == nullptr || !is_device_range(source, bytes))) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return enqueue(stream, [=] {
        if (!is_device_range(source, bytes)) {
            return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS, "cuMemcpyDtoHAsync_v2 from memory freed since");
        }
        emu_memcpy(destination, reinterpret_cast<const void*>(source), bytes, 2);
        return CUDA_SUCCESS;
    });
}

CUresult cuMemsetD8Async(CUdeviceptr destination, unsigned char value, std::size_t count, CUstream stream) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (count != 0 && !is_device_range(destination, count)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    return enqueue(stream, [=] {
        if (!is_device_range(destination, count)) {
            return fault(context, CUDA_ERROR_ILLEGAL_ADDRESS, "cuMemsetD8Async into memory freed since");
        }
        emu_memset(reinterpret_cast<void*>(destination), value, count);
        return CUDA_SUCCESS;
    });
}

CUresult cuModuleLoadData(CUmodule* module, const void* image) {
    ENTER();
    return load_module(__func__, module, image, 0, nullptr, nullptr);
}

CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int count, CUjit_option* options,
                            void** values) {
    ENTER();
    return load_module(__func__, module, image, count, options, values);
}

CUresult cuModuleUnload(CUmodule module) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (module == nullptr || !module->live) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    module->live = false;
    return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    if (function == nullptr || name == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (module == nullptr || !module->live) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    const PtxEntry* entry = module->ptx.find_entry(name);
    if (entry == nullptr) {
        return CUDA_ERROR_NOT_FOUND;
    }
    auto& functions = driver().functions;
    const ptx::Entry* interpreted = module->program != nullptr ? module->program->find_entry(name) : nullptr;
    functions.push_back(std::make_unique<CUfunc_st>(CUfunc_st{module, entry, emu_find_kernel(name), interpreted}));
    *function = functions.back().get();
    return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction function, unsigned int grid_x, unsigned int grid_y, unsigned int grid_z,
                        unsigned int block_x, unsigned int block_y, unsigned int block_z,
                        unsigned int shared_memory_bytes, CUstream stream, void** kernel_params, void** extra) {
    ENTER();
    CUcontext context;
    RETURN_IF_FAILED(require_context(&context));
    const auto& functions = driver().functions;
    bool known = std::any_of(functions.begin(), functions.end(), [&](const auto& f) { return f.get() == function; });
    if (!known || !function->module->live || function->module->context != context) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    unsigned int grid[3] = {grid_x, grid_y, grid_z}, block[3] = {block_x, block_y, block_z};
    for (int d = 0; d < 3; d++) {
        if (grid[d] == 0 || grid[d] > kMaxGridDim[d] || block[d] == 0 || block[d] > kMaxBlockDim[d]) {
            return CUDA_ERROR_INVALID_VALUE;
        }
    }
    if (1ULL * block_x * block_y * block_z > kMaxThreadsPerBlock || shared_memory_bytes > kMaxSharedMemoryPerBlock) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (extra != nullptr) {
        // the packed-buffer form: legal, but not what JCuda's cuLaunchKernel uses; not modelled
        std::fprintf(stderr, "fake libcuda: cuLaunchKernel: the extra argument is not supported\n");
        return kernel_params != nullptr ? CUDA_ERROR_INVALID_VALUE : CUDA_ERROR_NOT_SUPPORTED;
    }
    if (kernel_params == nullptr && !function->entry->parameters.empty()) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (function->interpreted != nullptr) {
        ptx::LaunchShape shape{{grid_x, grid_y, grid_z}, {block_x, block_y, block_z}, shared_memory_bytes};
        return enqueue(stream, interpreted_kernel_work(context, function, shape, kernel_params));
    }
    if (std::string mismatch = emulation_mismatch(*function); !mismatch.empty()) {
        std::fprintf(stderr, "fake libcuda: cuLaunchKernel: cannot emulate %s\n", mismatch.c_str());
        return CUDA_ERROR_NOT_SUPPORTED;
    }
    return enqueue(stream, emulated_kernel_work(context, function, Extent{grid_x, grid_y, grid_z},
                                                Extent{block_x, block_y, block_z}, kernel_params));
}

CUresult cuGetErrorName(CUresult error, const char** name) {
    ENTER();
    if (name == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    switch (error) {
#define NAME(code) case code: *name = #code; return CUDA_SUCCESS;
        NAME(CUDA_SUCCESS)
        NAME(CUDA_ERROR_INVALID_VALUE)
        NAME(CUDA_ERROR_OUT_OF_MEMORY)
        NAME(CUDA_ERROR_NOT_INITIALIZED)
        NAME(CUDA_ERROR_NO_DEVICE)
        NAME(CUDA_ERROR_INVALID_DEVICE)
        NAME(CUDA_ERROR_INVALID_IMAGE)
        NAME(CUDA_ERROR_INVALID_CONTEXT)
        NAME(CUDA_ERROR_INVALID_PTX)
        NAME(CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
        NAME(CUDA_ERROR_INVALID_HANDLE)
        NAME(CUDA_ERROR_ILLEGAL_STATE)
        NAME(CUDA_ERROR_NOT_FOUND)
        NAME(CUDA_ERROR_NOT_READY)
        NAME(CUDA_ERROR_ILLEGAL_ADDRESS)
        NAME(CUDA_ERROR_MISALIGNED_ADDRESS)
        NAME(CUDA_ERROR_LAUNCH_FAILED)
        NAME(CUDA_ERROR_NOT_SUPPORTED)
        NAME(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED)
        NAME(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED)
        NAME(CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD)
        NAME(CUDA_ERROR_UNKNOWN)
#undef NAME
    }
    *name = nullptr;
    return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuGetErrorString(CUresult error, const char** text) {
    ENTER();
    if (text == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    switch (error) {
#define TEXT(code, words) case code: *text = words; return CUDA_SUCCESS;
        TEXT(CUDA_SUCCESS, "no error")
        TEXT(CUDA_ERROR_INVALID_VALUE, "invalid argument")
        TEXT(CUDA_ERROR_OUT_OF_MEMORY, "out of memory")
        TEXT(CUDA_ERROR_NOT_INITIALIZED, "initialization error")
        TEXT(CUDA_ERROR_NO_DEVICE, "no CUDA-capable device is detected")
        TEXT(CUDA_ERROR_INVALID_DEVICE, "invalid device ordinal")
        TEXT(CUDA_ERROR_INVALID_IMAGE, "device kernel image is invalid")
        TEXT(CUDA_ERROR_INVALID_CONTEXT, "invalid device context")
        TEXT(CUDA_ERROR_INVALID_PTX, "a PTX JIT compilation failed")
        TEXT(CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "the provided PTX was compiled with an unsupported toolchain.")
        TEXT(CUDA_ERROR_INVALID_HANDLE, "invalid resource handle")
        TEXT(CUDA_ERROR_ILLEGAL_STATE, "the operation cannot be performed in the present state")
        TEXT(CUDA_ERROR_NOT_FOUND, "named symbol not found")
        TEXT(CUDA_ERROR_NOT_READY, "device not ready")
        TEXT(CUDA_ERROR_ILLEGAL_ADDRESS, "an illegal memory access was encountered")
        TEXT(CUDA_ERROR_MISALIGNED_ADDRESS, "misaligned address")
        TEXT(CUDA_ERROR_LAUNCH_FAILED, "unspecified launch failure")
        TEXT(CUDA_ERROR_NOT_SUPPORTED, "operation not supported")
        TEXT(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "operation not permitted when stream is capturing")
        TEXT(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, "operation failed due to a previous error during capture")
        TEXT(CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD, "attempt to terminate a thread-local capture sequence from another thread")
        TEXT(CUDA_ERROR_UNKNOWN, "unknown error")
#undef TEXT
    }
    *text = nullptr;
    return CUDA_ERROR_INVALID_VALUE;
}

// Test hook: back to the state before cuInit (every handle stale, all memory freed), so tests
// can check the rules about initialisation in one process.
void fake_cuda_reset() {
    ENTER();
    DriverState& state = driver();
    invalidate_handles_of(nullptr);
    for (void* host : state.host_allocations) {
        std::free(host);
    }
    state.host_allocations.clear();
    state.primary_contexts.clear();
    state.initialized = false;
    current_context() = nullptr;
}

// Test hook: how many times the entry point called name has been called in this process.
long long fake_cuda_call_count(const char* name) {
    return call_count(name);
}

// For the fake cuBLAS: counts its entry points in the same call log.
void fake_cuda_count_call(const char* name) {
    count_call(name);
}

// Test hook: 1 when the PTX interpreter decodes and implements the opcode as written
// ("fma.rn.f32", "ld.global.nc.u32"), else 0.
int fake_cuda_ptx_implements(const char* opcode) {
    std::optional<ptx::Instruction> instruction = ptx::decode_opcode(opcode == nullptr ? "" : opcode);
    return instruction && ptx::implemented(*instruction) ? 1 : 0;
}

}  // extern "C"
