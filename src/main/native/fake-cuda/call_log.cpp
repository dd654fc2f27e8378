// The call counts behind FAKE_CUDA_CALL_LOG.
#include "call_log.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

namespace fake_cuda {
namespace {

std::mutex counts_mutex;
std::map<std::string, long long> counts;
std::string log_path;

void write_log() {
    std::lock_guard<std::mutex> lock(counts_mutex);
    std::FILE* file = std::fopen(log_path.c_str(), "w");
    if (file == nullptr) {
        std::fprintf(stderr, "fake libcuda: cannot write the call log %s\n", log_path.c_str());
        return;
    }
    for (const auto& [name, count] : counts) {
        std::fprintf(file, "%s %lld\n", name.c_str(), count);
    }
    std::fclose(file);
}

}  // namespace

void count_call(const char* name) {
    std::lock_guard<std::mutex> lock(counts_mutex);
    counts[name]++;
}

long long call_count(const char* name) {
    std::lock_guard<std::mutex> lock(counts_mutex);
    auto it = counts.find(name);
    return it == counts.end() ? 0 : it->second;
}

void write_call_log_at_exit(const char* path) {
    std::lock_guard<std::mutex> lock(counts_mutex);
    bool registered = !log_path.empty();
    log_path = path;
    if (!registered && !log_path.empty()) {
        std::atexit(write_log);
    }
}

}  // namespace fake_cuda
