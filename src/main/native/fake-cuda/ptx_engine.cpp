// The PTX engine's module compilation and launches (ptx_engine.h).
#include "ptx_engine.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "ptx_parser.h"

namespace fake_cuda {

CUresult compile_for_interpreter(const char* text, std::shared_ptr<const ptx::Program>* program, std::string* log) {
    bool unsupported = false;
    std::optional<ptx::Program> parsed = ptx::parse_program(text, log, &unsupported);
    if (!parsed) {
        *log = "PTX interpreter: " + *log;
        return unsupported ? CUDA_ERROR_NOT_SUPPORTED : CUDA_ERROR_INVALID_PTX;
    }
    *program = std::make_shared<const ptx::Program>(std::move(*parsed));
    return CUDA_SUCCESS;
}

namespace {

// Linear block indices, x fastest, in the order the launch runs them (FAKE_CUDA_BLOCK_ORDER).
std::vector<unsigned int> block_order(const ptx::LaunchShape& shape) {
    std::vector<unsigned int> order(static_cast<std::size_t>(shape.grid[0]) * shape.grid[1] * shape.grid[2]);
    std::iota(order.begin(), order.end(), 0u);
    DriverState& state = driver();
    if (state.config.shuffle_blocks) {
        std::shuffle(order.begin(), order.end(), state.block_shuffler);
    }
    return order;
}

}  // namespace

Work interpreted_kernel_work(CUcontext context, CUfunction function, const ptx::LaunchShape& shape, void** kernel_params) {
    const ptx::Entry* entry = function->interpreted;
    std::vector<unsigned char> parameters(entry->parameter_bytes);
    for (std::size_t i = 0; i < entry->parameter_offsets.size(); i++) {
        std::memcpy(parameters.data() + entry->parameter_offsets[i], kernel_params[i], function->entry->parameters[i].bytes);
    }
    std::shared_ptr<const ptx::Program> program = function->module->program;
    return [context, program, entry, shape, parameters]() {
        if (CUresult injected = inject_launch_failure(context, entry->name); injected != CUDA_SUCCESS) {
            return injected;
        }
        auto is_device_memory = [](std::uint64_t address, std::size_t bytes) { return is_device_range(address, bytes); };
        std::optional<ptx::Fault> failure = ptx::execute(*program, *entry, shape, parameters.data(), block_order(shape),
                                                         driver().config.approximation, is_device_memory);
        return failure ? fault(context, failure->code, failure->what) : CUDA_SUCCESS;
    };
}

}  // namespace fake_cuda
