// Runs a decoded PTX entry over a grid as the PTX ISA defines each instruction: the fake driver's
// default engine (FAKE_CUDA_ENGINE=ptx). The threads of a block step together between bar.sync
// (each runs until it reaches the barrier or exits, then all go on); blocks run one after another
// in the order given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cuda_driver_abi.h"
#include "ptx_program.h"

namespace fake_cuda::ptx {

// How the approximate instructions (ex2, lg2, rcp, rsqrt, sin, cos, tanh .approx) round: the
// exact value rounded to nearest, or moved away from it by the most the PTX ISA allows for the
// instruction, in the direction that makes the result's magnitude larger (worst_up) or smaller
// (worst_down).
enum class Approximation { exact, worst_up, worst_down };

struct LaunchShape {
    unsigned int grid[3];
    unsigned int block[3];
    unsigned int dynamic_shared_bytes = 0;
};

struct Fault {
    CUresult code;     // CUDA_ERROR_ILLEGAL_ADDRESS, CUDA_ERROR_MISALIGNED_ADDRESS ...
    std::string what;  // the kernel, block, thread, PTX line and instruction, and what went wrong
};

// Whether [address, address + bytes) is device memory a kernel may touch (the driver's live
// allocations); the program's own .global variables are checked by the executor.
using DeviceMemoryCheck = bool (*)(std::uint64_t address, std::size_t bytes);

// Runs the entry; parameters: the entry's parameter buffer (Entry::parameter_bytes, laid out
// by parameter_offsets); block_order: linear block indices (x fastest) in the order they run.
// Nothing on success; the first fault otherwise (the launch stops there, as a GPU's does).
std::optional<Fault> execute(const Program& program, const Entry& entry, const LaunchShape& shape,
                             const unsigned char* parameters, const std::vector<unsigned int>& block_order,
                             Approximation approximation, DeviceMemoryCheck is_device_memory);

// Whether execute implements the instruction (its opcode with these types and modifiers); the
// parser refuses a module that holds one it does not.
bool implemented(const Instruction& instruction);

}  // namespace fake_cuda::ptx
