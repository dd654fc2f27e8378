// What the fake driver needs from a PTX module's text: the ISA version (.version), the target
// architecture (.target sm_NN) and each kernel entry's parameter list (.entry name(.param ...)).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fake_cuda {

struct PtxParameter {
    std::string type;  // as written after .param: u64, u32, f32, s32, b64 ...
    std::size_t bytes;
};

struct PtxEntry {
    std::string name;
    std::vector<PtxParameter> parameters;
};

struct PtxModule {
    int version_major = 0, version_minor = 0;
    int target_sm = 0;  // sm_75 -> 75
    int version_line = 0, target_line = 0;  // where the directives are, from 1
    std::vector<PtxEntry> entries;

    const PtxEntry* find_entry(const std::string& name) const;
};

// The module described by PTX text, or nothing (with *why set) when the text is not PTX this
// parser understands: no .version or .target, or a .param of a type it cannot size.
std::optional<PtxModule> parse_ptx(const std::string& text, std::string* why);

// The lowest driver version (as cuDriverGetVersion reports it, 1000 major + 10 minor) that
// can JIT PTX of this ISA version; 0 for a version this table does not know (6.0 to 9.0).
int driver_version_for_ptx_isa(int major, int minor);

// The newest PTX ISA version ("8.7") that a driver of this version can JIT; "" when none in the table.
std::string newest_ptx_isa(int driver_version);

}  // namespace fake_cuda
