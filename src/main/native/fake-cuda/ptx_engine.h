// The driver's side of the PTX engine (FAKE_CUDA_ENGINE=ptx): a module's PTX compiled for the
// interpreter when it loads, a launch run by it (ptx_executor.h).
#pragma once

#include <memory>
#include <string>

#include "driver_state.h"

namespace fake_cuda {

// The interpreter's program of the PTX text into *program; else the error (CUDA_ERROR_INVALID_PTX,
// or CUDA_ERROR_NOT_SUPPORTED for PTX it does not implement) with the reason in *log.
CUresult compile_for_interpreter(const char* text, std::shared_ptr<const ptx::Program>* program, std::string* log);

// The launch's work, for a function with its interpreted entry: the parameters copied now into
// the entry's parameter buffer, as the driver does; the entry executed over the grid, blocks in
// the configured order, when the work runs.
Work interpreted_kernel_work(CUcontext context, CUfunction function, const ptx::LaunchShape& shape, void** kernel_params);

}  // namespace fake_cuda
