// Turns PTX text into the interpreter's Program (ptx_program.h): the subset of the PTX grammar
// that nvcc writes for kernels (module and function-scope .global/.shared/.local variables,
// .reg declarations, labels, guarded instructions; .loc, .file and .pragma skipped).
#pragma once

#include <optional>
#include <string>

#include "ptx_program.h"

namespace fake_cuda::ptx {

// The program of the text, or nothing with *why set ("line N: ...") when the text holds
// something the parser cannot read, or (*unsupported set) well-formed PTX the interpreter does
// not implement: an instruction the executor does not, a directive or register it does not read.
std::optional<Program> parse_program(const std::string& text, std::string* why, bool* unsupported);

// The instruction an opcode as written ("fma.rn.f32", "ld.global.nc.u32") decodes to, operands
// left empty; nothing when the parser does not know it.
std::optional<Instruction> decode_opcode(const std::string& opcode);

}  // namespace fake_cuda::ptx
