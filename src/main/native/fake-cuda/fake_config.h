// The fake device and driver, as configured by environment variables read at cuInit:
//   FAKE_CUDA_DEVICE_COUNT         devices (default 1; 0: cuInit fails with CUDA_ERROR_NO_DEVICE)
//   FAKE_CUDA_DRIVER_VERSION       what cuDriverGetVersion says, 1000 major + 10 minor (default 13000);
//                                  PTX of an ISA newer than it supports fails to load
//   FAKE_CUDA_COMPUTE_CAPABILITY   major.minor (default 9.0); PTX for a newer .target fails to load
//   FAKE_CUDA_DEVICE_NAME          what cuDeviceGetName says (default "vae-cuda fake GPU (PTX interpreter)",
//                                  or "(CPU emulator)" with FAKE_CUDA_ENGINE=emulator)
//   FAKE_CUDA_MEMORY_BYTES         device memory (default: the host's physical memory)
//   FAKE_CUDA_FAIL_KERNEL          NAME or NAME:N: the launch of kernel NAME after N (default 0)
//                                  successful ones faults, a sticky CUDA_ERROR_LAUNCH_FAILED
//   FAKE_CUDA_BLOCK_ORDER          shuffled (default: a launch's blocks run in a random order) or in-order
//   FAKE_CUDA_SHUFFLE_SEED         the seed of that order (default 1)
//   FAKE_CUDA_CALL_LOG             a file that gets, at exit, "entry_point count" per driver and cuBLAS
//                                  entry point called
//   FAKE_CUDA_ENGINE               what runs a launched kernel: ptx (default: the interpreter executes the
//                                  loaded PTX itself, ptx_executor.h) or emulator (the kernels' C++ twins)
//   FAKE_CUDA_APPROX               how the PTX engine rounds .approx instructions: exact (default), worst
//                                  (moved by the PTX ISA's maximum error, magnitudes up) or worst-down
#pragma once

#include <cstddef>
#include <string>

#include "ptx_executor.h"

namespace fake_cuda {

struct FakeConfig {
    int device_count = 1;
    int driver_version = 13000;
    int cc_major = 9, cc_minor = 0;
    std::string device_name;  // read_config gives the default of the engine
    std::size_t memory_bytes = 0;  // 0: the emulator's default, the host's physical memory
    std::string failing_kernel;    // empty: none
    long long launches_before_failure = 0;
    bool shuffle_blocks = true;
    unsigned long long shuffle_seed = 1;
    std::string call_log;  // empty: none
    bool ptx_engine = true;
    ptx::Approximation approximation = ptx::Approximation::exact;
};

// The configuration the environment gives now; an unparsable value is reported on stderr and
// the default kept.
FakeConfig read_config();

}  // namespace fake_cuda
