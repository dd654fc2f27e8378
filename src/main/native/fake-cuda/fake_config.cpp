// Reads FakeConfig from the environment (see fake_config.h for the variables).
#include "fake_config.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace fake_cuda {
namespace {

// *value = text (the value of variable `name`) as a number, unless it is not one.
template <class T, class Parse>
void parse_number(const char* name, const std::string& text, T* value, Parse parse) {
    try {
        std::size_t used = 0;
        T parsed = parse(text, &used);
        if (used != text.size()) {
            throw std::invalid_argument(text);
        }
        *value = parsed;
    } catch (const std::exception&) {
        std::fprintf(stderr, "fake libcuda: ignoring %s=%s (not a number)\n", name, text.c_str());
    }
}

template <class T, class Parse>
void read(const char* name, T* value, Parse parse) {
    const char* text = std::getenv(name);
    if (text != nullptr && *text != '\0') {
        parse_number(name, text, value, parse);
    }
}

long long parse_long(const std::string& text, std::size_t* used) {
    return std::stoll(text, used);
}

unsigned long long parse_unsigned(const std::string& text, std::size_t* used) {
    return std::stoull(text, used);
}

}  // namespace

FakeConfig read_config() {
    FakeConfig config;
    long long number = config.device_count;
    read("FAKE_CUDA_DEVICE_COUNT", &number, parse_long);
    config.device_count = static_cast<int>(number);
    number = config.driver_version;
    read("FAKE_CUDA_DRIVER_VERSION", &number, parse_long);
    config.driver_version = static_cast<int>(number);
    if (const char* cc = std::getenv("FAKE_CUDA_COMPUTE_CAPABILITY");
            cc != nullptr && std::sscanf(cc, "%d.%d", &config.cc_major, &config.cc_minor) != 2) {
        std::fprintf(stderr, "fake libcuda: FAKE_CUDA_COMPUTE_CAPABILITY=%s is not major.minor\n", cc);
        config.cc_major = 9;
        config.cc_minor = 0;
    }
    unsigned long long bytes = 0;
    read("FAKE_CUDA_MEMORY_BYTES", &bytes, parse_unsigned);
    config.memory_bytes = static_cast<std::size_t>(bytes);
    if (const char* fail = std::getenv("FAKE_CUDA_FAIL_KERNEL"); fail != nullptr && *fail != '\0') {
        std::string spec = fail;
        std::size_t colon = spec.find(':');
        config.failing_kernel = spec.substr(0, colon);
        if (colon != std::string::npos) {
            parse_number("FAKE_CUDA_FAIL_KERNEL", spec.substr(colon + 1), &config.launches_before_failure, parse_long);
        }
    }
    if (const char* order = std::getenv("FAKE_CUDA_BLOCK_ORDER"); order != nullptr) {
        config.shuffle_blocks = std::string(order) != "in-order";
    }
    read("FAKE_CUDA_SHUFFLE_SEED", &config.shuffle_seed, parse_unsigned);
    if (const char* log = std::getenv("FAKE_CUDA_CALL_LOG"); log != nullptr) {
        config.call_log = log;
    }
    if (const char* text = std::getenv("FAKE_CUDA_ENGINE"); text != nullptr && *text != '\0') {
        std::string engine = text;
        if (engine == "emulator" || engine == "ptx") {
            config.ptx_engine = engine == "ptx";
        } else {
            std::fprintf(stderr, "fake libcuda: ignoring FAKE_CUDA_ENGINE=%s (not ptx or emulator)\n", text);
        }
    }
    if (const char* approx = std::getenv("FAKE_CUDA_APPROX"); approx != nullptr && *approx != '\0') {
        std::string mode = approx;
        if (mode == "exact" || mode == "worst" || mode == "worst-down") {
            config.approximation = mode == "exact"   ? ptx::Approximation::exact
                                   : mode == "worst" ? ptx::Approximation::worst_up
                                                     : ptx::Approximation::worst_down;
        } else {
            std::fprintf(stderr, "fake libcuda: ignoring FAKE_CUDA_APPROX=%s (not exact, worst or worst-down)\n", approx);
        }
    }
    const char* name = std::getenv("FAKE_CUDA_DEVICE_NAME");
    config.device_name = name != nullptr && *name != '\0' ? name
                         : config.ptx_engine                ? "vae-cuda fake GPU (PTX interpreter)"
                                                            : "vae-cuda fake GPU (CPU emulator)";
    return config;
}

}  // namespace fake_cuda
