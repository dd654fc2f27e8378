// cuModuleLoadDataEx's JIT logs, as cuda.h documents their options: CU_JIT_ERROR_LOG_BUFFER and
// CU_JIT_INFO_LOG_BUFFER point to a buffer (char*); CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES and
// CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES carry an unsigned int in the option's void* slot itself, "IN:
// Log buffer size in bytes. Log messages will be capped at this size (including null terminator)
// OUT: Amount of log buffer filled with messages" (here: the message bytes, without the NUL).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "cuda_driver_abi.h"

namespace fake_cuda {

// One log: its buffer and the option slot that holds its size, either of them possibly absent.
class JitLog {
  public:
    void set_buffer(void* buffer) { buffer_ = static_cast<char*>(buffer); }
    void set_size_slot(void** slot) { size_slot_ = slot; }

    // Writes text, capped at the buffer's size with its NUL, and the bytes written into the size
    // slot; nothing without a buffer or with a size of 0 (the size slot then says 0).
    void write(const std::string& text) const {
        std::size_t capacity =
                size_slot_ == nullptr ? 0 : static_cast<unsigned int>(reinterpret_cast<std::uintptr_t>(*size_slot_));
        std::size_t written = 0;
        if (buffer_ != nullptr && capacity > 0) {
            written = text.size() < capacity ? text.size() : capacity - 1;
            std::memcpy(buffer_, text.data(), written);
            buffer_[written] = '\0';
        }
        if (size_slot_ != nullptr) {
            *size_slot_ = reinterpret_cast<void*>(static_cast<std::uintptr_t>(written));
        }
    }

  private:
    char* buffer_ = nullptr;
    void** size_slot_ = nullptr;
};

struct JitLogs {
    JitLog error, info;
};

// The logs that options[0, count) with values[0, count) ask for; false, with *unmodelled set to the
// option, when one is not a log option (this fake models no other).
inline bool read_jit_log_options(unsigned int count, const CUjit_option* options, void** values, JitLogs* logs,
                                 int* unmodelled) {
    for (unsigned int i = 0; i < count; i++) {
        switch (options[i]) {
            case CU_JIT_ERROR_LOG_BUFFER: logs->error.set_buffer(values[i]); break;
            case CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES: logs->error.set_size_slot(&values[i]); break;
            case CU_JIT_INFO_LOG_BUFFER: logs->info.set_buffer(values[i]); break;
            case CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES: logs->info.set_size_slot(&values[i]); break;
            default:
                *unmodelled = options[i];
                return false;
        }
    }
    return true;
}

}  // namespace fake_cuda
