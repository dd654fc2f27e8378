// The table of kernels the emulator can launch, between the kernels' translation unit
// (emulated_kernels.cpp) and the runtime (emulator.cpp).
#pragma once

#include <functional>

namespace cuda_emu {

struct EmulatedKernel {
    const char* name;
    // One letter per parameter: p pointer, i int, f float, u unsigned long long.
    const char* signature;
    // The kernel with its arguments bound: args[i] points at parameter i's value, as in cuLaunchKernel.
    std::function<void()> (*bind)(void** args);
};

// The kernel called `name`, or nullptr.
const EmulatedKernel* find_kernel(const char* name);

}  // namespace cuda_emu
