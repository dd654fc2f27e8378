// A line-level PTX reader: enough of the grammar for the directives the fake driver checks as the
// JIT does (the PTX engine's full parse is ptx_parser.cpp's).
#include "ptx_module.h"

#include <algorithm>
#include <regex>

namespace fake_cuda {

const PtxEntry* PtxModule::find_entry(const std::string& name) const {
    for (const PtxEntry& entry : entries) {
        if (entry.name == name) {
            return &entry;
        }
    }
    return nullptr;
}

namespace {

// Bytes of a parameter of a scalar PTX type (.u32, .f64, .b8 ...), or 0 for anything else.
std::size_t scalar_bytes(const std::string& type) {
    static const std::regex scalar("[usbf](8|16|32|64)");
    std::smatch match;
    if (!std::regex_match(type, match, scalar) || (type[0] == 'f' && match[1] == "8")) {
        return 0;
    }
    return std::stoul(match[1]) / 8;
}

// The line (from 1) of text where a match starts.
int line_of(const std::string& text, const std::smatch& match) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + match.position(0), '\n'));
}

// PTX ISA version -> the CUDA release that introduced it (PTX ISA guide, "Release Notes").
struct IsaRow {
    int major, minor, driver;
};
constexpr IsaRow kIsaReleases[] = {
    {6, 0, 9000},  {6, 1, 9010},  {6, 2, 9020},  {6, 3, 10000}, {6, 4, 10010}, {6, 5, 10020},
    {7, 0, 11000}, {7, 1, 11010}, {7, 2, 11020}, {7, 3, 11030}, {7, 4, 11040}, {7, 5, 11050},
    {7, 6, 11060}, {7, 7, 11070}, {7, 8, 11080}, {8, 0, 12000}, {8, 1, 12010}, {8, 2, 12020},
    {8, 3, 12030}, {8, 4, 12040}, {8, 5, 12050}, {8, 6, 12070}, {8, 7, 12080}, {8, 8, 12090},
    {9, 0, 13000},
};

}  // namespace

std::optional<PtxModule> parse_ptx(const std::string& text, std::string* why) {
    static const std::regex version(R"(^\s*\.version\s+(\d+)\.(\d+))", std::regex::multiline);
    static const std::regex target(R"(^\s*\.target\s+sm_(\d+))", std::regex::multiline);
    // An entry's header up to the opening of its body: .entry name ( params ) ... {
    static const std::regex entry(R"(\.entry\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\))");
    static const std::regex parameter(R"(\.param\s+\.(\w+)\s+[\w$]+)");
    PtxModule module;
    std::smatch match;
    if (!std::regex_search(text, match, version)) {
        *why = "no .version directive";
        return std::nullopt;
    }
    module.version_major = std::stoi(match[1]);
    module.version_minor = std::stoi(match[2]);
    module.version_line = line_of(text, match);
    if (!std::regex_search(text, match, target)) {
        *why = "no .target sm_NN directive";
        return std::nullopt;
    }
    module.target_sm = std::stoi(match[1]);
    module.target_line = line_of(text, match);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), entry); it != std::sregex_iterator(); ++it) {
        PtxEntry kernel{(*it)[1], {}};
        const std::string list = (*it)[2];
        for (auto p = std::sregex_iterator(list.begin(), list.end(), parameter); p != std::sregex_iterator(); ++p) {
            std::string type = (*p)[1];
            std::size_t bytes = scalar_bytes(type);
            if (bytes == 0) {
                *why = kernel.name + ": parameter of unsupported type ." + type;
                return std::nullopt;
            }
            kernel.parameters.push_back({type, bytes});
        }
        module.entries.push_back(std::move(kernel));
    }
    return module;
}

int driver_version_for_ptx_isa(int major, int minor) {
    for (const IsaRow& row : kIsaReleases) {
        if (row.major == major && row.minor == minor) {
            return row.driver;
        }
    }
    return 0;
}

std::string newest_ptx_isa(int driver_version) {
    std::string newest;
    for (const IsaRow& row : kIsaReleases) {
        if (row.driver <= driver_version) {
            newest = std::to_string(row.major) + "." + std::to_string(row.minor);
        }
    }
    return newest;
}

}  // namespace fake_cuda
