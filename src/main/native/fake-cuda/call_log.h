// Counts of the entry points called, driver's and cuBLAS's alike, written to a file at exit.
#pragma once

namespace fake_cuda {

// One more call of the entry point `name`.
void count_call(const char* name);

long long call_count(const char* name);

// At exit, `path` (empty: nowhere) gets one line "name count" per entry point called, sorted.
void write_call_log_at_exit(const char* path);

}  // namespace fake_cuda
