// The emulator's runtime and its C API (called from Java through FFM by EmulatedRuntime):
// device memory (host memory with guard zones, optionally capped like a device's), copies,
// launches over a pool of block threads, a column-major sgemm with cuBLAS's semantics, the three
// convolutions with cuDNN's (plain loops), traffic counters, and an injected launch failure for fault tests. Every function that can fail
// returns 0 on success, else an error code with emu_last_error() saying why.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "cuda_emu.h"
#include "emulated_kernels.h"
#include "emulator_api.h"

namespace cuda_emu {
namespace {

constexpr int kOk = 0;
constexpr int kError = 1;
// What emu_malloc returns when the memory cap would be exceeded, as CUDA_ERROR_OUT_OF_MEMORY.
constexpr int kOutOfMemory = 2;
// Bytes of a known pattern before and after each allocation; a kernel that writes there is reported.
constexpr std::size_t kGuard = 256;
constexpr unsigned char kGuardByte = 0xA5;
// Fresh allocations hold NaNs (0xFF bytes), like nothing a correct program would read.
constexpr unsigned char kFreshByte = 0xFF;
constexpr unsigned int kMaxThreadsPerBlock = 1024;
// What launches see as the device's multiprocessor count: fixed, so grids do not depend on the host.
constexpr int kMultiprocessors = 2;

std::mutex state_mutex;
std::string last_error;
std::map<std::uintptr_t, std::size_t> allocations;  // payload address -> payload bytes
std::size_t allocated_bytes = 0;                     // the payloads' sum
std::size_t memory_limit = 0;                        // 0: no cap
std::string failing_kernel;                          // the kernel whose launch is to fail, or empty
long long launches_before_failure = 0;               // its launches that succeed before that one

std::atomic<long long> kernel_launches{0};
std::atomic<long long> gemm_calls{0};
std::atomic<long long> conv_calls{0};
std::atomic<long long> host_to_device_bytes{0};
std::atomic<long long> device_to_host_bytes{0};

int fail(const std::string& message) {
    std::lock_guard<std::mutex> lock(state_mutex);
    last_error = message;
    return kError;
}

// True when [address, address + bytes) lies inside one live allocation.
bool is_device_range(const void* address, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(state_mutex);
    auto at = reinterpret_cast<std::uintptr_t>(address);
    auto it = allocations.upper_bound(at);
    if (it == allocations.begin()) {
        return false;
    }
    --it;
    return at + bytes <= it->first + it->second;
}

// The payload address of the first allocation whose guard zones were written, or 0; the guards
// are restored, so that one overrun is reported once, by the call that made it.
std::uintptr_t overrun_allocation() {
    std::lock_guard<std::mutex> lock(state_mutex);
    for (const auto& [payload, bytes] : allocations) {
        auto* before = reinterpret_cast<unsigned char*>(payload - kGuard);
        auto* after = reinterpret_cast<unsigned char*>(payload + bytes);
        for (std::size_t i = 0; i < kGuard; i++) {
            if (before[i] != kGuardByte || after[i] != kGuardByte) {
                std::memset(before, kGuardByte, kGuard);
                std::memset(after, kGuardByte, kGuard);
                return payload;
            }
        }
    }
    return 0;
}

// True when a column-major (rows, cols) matrix with leading dimension ld is valid and in device memory.
bool is_matrix(const float* address, int rows, int cols, int ld) {
    if (ld < std::max(1, rows)) {
        return false;
    }
    std::size_t floats = rows == 0 || cols == 0 ? 0 : static_cast<std::size_t>(cols - 1) * ld + rows;
    return floats == 0 || is_device_range(address, floats * sizeof(float));
}

// True when this launch of the kernel is the one emu_fail_launch asked to fail (which disarms it).
bool injected_failure(const char* name) {
    std::lock_guard<std::mutex> lock(state_mutex);
    if (failing_kernel.empty() || failing_kernel != name) {
        return false;
    }
    if (launches_before_failure-- > 0) {
        return false;
    }
    failing_kernel.clear();
    return true;
}

int check_guards(const char* after_what) {
    std::uintptr_t overrun = overrun_allocation();
    if (overrun == 0) {
        return kOk;
    }
    char address[32];
    std::snprintf(address, sizeof address, "%#lx", static_cast<unsigned long>(overrun));
    return fail(std::string(after_what) + " wrote outside the device allocation at " + address);
}

// A barrier for the threads of one block; it also notices when some threads of a block reach
// __syncthreads() while others have left the kernel (undefined behaviour on a GPU).
class BlockBarrier {
public:
    void reset(unsigned int threads) {
        expected_ = threads;
        diverged_.store(false);
    }

    void arrive_and_wait(bool at_syncthreads) {
        unsigned int generation = generation_.load(std::memory_order_acquire);
        if (at_syncthreads) {
            at_syncthreads_.fetch_add(1, std::memory_order_relaxed);
        }
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == expected_) {
            unsigned int syncing = at_syncthreads_.exchange(0, std::memory_order_relaxed);
            if (syncing != 0 && syncing != expected_) {
                diverged_.store(true);
            }
            arrived_.store(0, std::memory_order_relaxed);
            generation_.fetch_add(1, std::memory_order_release);
            generation_.notify_all();
        } else {
            while (generation_.load(std::memory_order_acquire) == generation) {
                generation_.wait(generation, std::memory_order_acquire);
            }
        }
    }

    bool diverged() const {
        return diverged_.load();
    }

private:
    unsigned int expected_ = 1;
    std::atomic<unsigned int> arrived_{0};
    std::atomic<unsigned int> at_syncthreads_{0};
    std::atomic<unsigned int> generation_{0};
    std::atomic<bool> diverged_{false};
};

struct Launch {
    std::function<void()> kernel;
    dim3 grid;
    dim3 block;
    std::vector<unsigned int> block_order;  // linear block indices (x fastest), in the order they run
};

// Whether a launch runs its blocks in a random order, as a GPU may, instead of x, then y, then z.
bool shuffle_blocks = false;
std::mt19937_64 block_shuffler;

std::vector<unsigned int> block_order(dim3 grid) {
    std::vector<unsigned int> order(static_cast<std::size_t>(grid.x) * grid.y * grid.z);
    std::iota(order.begin(), order.end(), 0u);
    if (shuffle_blocks) {
        std::shuffle(order.begin(), order.end(), block_shuffler);
    }
    return order;
}

// OS threads, one per CUDA thread of a block; thread t plays thread t of every block in turn.
// Never destroyed: the threads live as long as the process (the library is never unloaded).
class BlockThreads {
public:
    void run(Launch launch) {
        unsigned int threads = launch.block.x * launch.block.y * launch.block.z;
        while (workers_ < threads) {
            std::thread(&BlockThreads::work, this, workers_++, launches_.load(std::memory_order_relaxed)).detach();
        }
        current_ = std::move(launch);
        barrier_.reset(threads);
        remaining_.store(workers_, std::memory_order_relaxed);
        launches_.fetch_add(1, std::memory_order_release);
        launches_.notify_all();
        for (unsigned int left; (left = remaining_.load(std::memory_order_acquire)) != 0;) {
            remaining_.wait(left, std::memory_order_acquire);
        }
    }

    BlockBarrier& barrier() {
        return barrier_;
    }

private:
    // Every worker wakes for every launch and reports back, so run() knows when current_ is free.
    void work(unsigned int thread, unsigned int launches_seen) {
        for (;;) {
            launches_.wait(launches_seen, std::memory_order_acquire);
            launches_seen++;
            const dim3 block = current_.block;
            if (thread < block.x * block.y * block.z) {
                threadIdx = dim3{thread % block.x, thread / block.x % block.y, thread / (block.x * block.y)};
                blockDim = block;
                gridDim = current_.grid;
                for (unsigned int linear : current_.block_order) {
                    blockIdx = dim3{linear % gridDim.x, linear / gridDim.x % gridDim.y, linear / (gridDim.x * gridDim.y)};
                    current_.kernel();
                    barrier_.arrive_and_wait(false);
                }
            }
            if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
                remaining_.notify_all();
            }
        }
    }

    unsigned int workers_ = 0;
    Launch current_;
    BlockBarrier barrier_;
    std::atomic<unsigned int> launches_{0};
    std::atomic<unsigned int> remaining_{0};
};

BlockThreads& block_threads() {
    static BlockThreads* threads = new BlockThreads();
    return *threads;
}

std::mutex launch_mutex;  // one launch at a time, as on one stream

// One NCHW convolution's geometry: n images of (c, h, w), k output maps of (oh, ow), an r x r
// kernel moved by stride over the input padded by pad zeros on every side.
struct ConvGeometry {
    int n, c, h, w, k, r, pad, stride, oh, ow;

    std::size_t input_floats() const { return static_cast<std::size_t>(n) * c * h * w; }
    std::size_t output_floats() const { return static_cast<std::size_t>(n) * k * oh * ow; }
    std::size_t weight_floats() const { return static_cast<std::size_t>(k) * c * r * r; }

    // The first and one past the last output column whose tap j falls inside the input's row.
    int first_column(int j) const { return std::max(0, (pad - j + stride - 1) / stride); }
    int end_column(int j) const {
        int last = w - 1 + pad - j;  // ox * stride <= last keeps input column ox * stride - pad + j inside
        return last < 0 ? 0 : std::min(ow, last / stride + 1);
    }
};

// The geometry, or an error when a size is out of range or the kernel does not fit the padded input.
bool conv_geometry(int n, int c, int h, int w, int k, int r, int pad, int stride, ConvGeometry* g) {
    if (n < 1 || c < 1 || h < 1 || w < 1 || k < 1 || r < 1 || pad < 0 || stride < 1 || h + 2 * pad < r
            || w + 2 * pad < r) {
        return false;
    }
    *g = ConvGeometry{n, c, h, w, k, r, pad, stride, (h + 2 * pad - r) / stride + 1, (w + 2 * pad - r) / stride + 1};
    return true;
}

// out = alpha * sum + beta * out, cuDNN's blending; beta 0 never reads out (it may hold NaNs).
void blend(float alpha, const float* sum, float beta, float* out, std::size_t count) {
    for (std::size_t i = 0; i < count; i++) {
        out[i] = beta == 0.0f ? alpha * sum[i] : alpha * sum[i] + beta * out[i];
    }
}

// The checks every convolution makes: sizes in range, and its three arrays in device memory.
int check_conv(const char* name, int n, int c, int h, int w, int k, int r, int pad, int stride, const void* input,
               const void* weight, const void* output, ConvGeometry* g) {
    if (!conv_geometry(n, c, h, w, k, r, pad, stride, g)) {
        return fail(std::string(name) + ": sizes out of range, or a kernel larger than the padded input");
    }
    if (!is_device_range(input, g->input_floats() * sizeof(float))
            || !is_device_range(weight, g->weight_floats() * sizeof(float))
            || !is_device_range(output, g->output_floats() * sizeof(float))) {
        return fail(std::string(name) + ": an array outside the device allocations");
    }
    return kOk;
}

}  // namespace

void sync_block() {
    block_threads().barrier().arrive_and_wait(true);
}

}  // namespace cuda_emu

using namespace cuda_emu;

extern "C" {

const char* emu_last_error() {
    std::lock_guard<std::mutex> lock(state_mutex);
    return last_error.c_str();
}

const char* emu_rounding() {
#ifdef CUDA_EMU_GPU_MATH
    return "gpu";
#else
    return "ieee";
#endif
}

int emu_multiprocessor_count() {
    return kMultiprocessors;
}

// on != 0: every later launch runs its blocks in a fresh random order drawn from seed's sequence,
// so a result that depends on block order (which a GPU does not fix) changes; 0: in order (default).
void emu_shuffle_blocks(int on, unsigned long long seed) {
    std::lock_guard<std::mutex> lock(launch_mutex);
    shuffle_blocks = on != 0;
    block_shuffler.seed(seed);
}

// Caps the device memory at bytes (0: no cap), for tests of running out of it.
void emu_set_memory_limit(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(state_mutex);
    memory_limit = bytes;
}

// As cuMemGetInfo: total is the cap, or the host's physical memory without one; free is what is left of it.
void emu_mem_get_info(std::size_t* free, std::size_t* total) {
    std::lock_guard<std::mutex> lock(state_mutex);
    *total = memory_limit != 0 ? memory_limit
                               : static_cast<std::size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    *free = *total > allocated_bytes ? *total - allocated_bytes : 0;
}

// The launch of the kernel called name that follows `after` successful ones fails, once; null name: none.
void emu_fail_launch(const char* name, long long after) {
    std::lock_guard<std::mutex> lock(state_mutex);
    failing_kernel = name == nullptr ? "" : name;
    launches_before_failure = after;
}

// *address = bytes of device memory, uninitialised (NaN-filled), 256-byte aligned like cudaMalloc's;
// kOutOfMemory when a cap is set and this would exceed it.
int emu_malloc(std::size_t bytes, void** address) {
    {
        std::lock_guard<std::mutex> lock(state_mutex);
        if (memory_limit != 0 && allocated_bytes + bytes > memory_limit) {
            last_error = "out of memory";
            return kOutOfMemory;
        }
    }
    std::size_t total = kGuard + (bytes + kGuard - 1) / kGuard * kGuard + kGuard;
    auto* base = static_cast<unsigned char*>(std::aligned_alloc(kGuard, total));
    if (base == nullptr) {
        return fail("out of memory allocating " + std::to_string(bytes) + " bytes");
    }
    std::memset(base, kGuardByte, total);
    std::memset(base + kGuard, kFreshByte, bytes);
    std::lock_guard<std::mutex> lock(state_mutex);
    allocations[reinterpret_cast<std::uintptr_t>(base + kGuard)] = bytes;
    allocated_bytes += bytes;
    *address = base + kGuard;
    return kOk;
}

int emu_free(void* address) {
    std::lock_guard<std::mutex> lock(state_mutex);
    auto it = allocations.find(reinterpret_cast<std::uintptr_t>(address));
    if (it == allocations.end()) {
        last_error = "free of an address that is not a live allocation";
        return kError;
    }
    allocated_bytes -= it->second;
    allocations.erase(it);
    std::free(static_cast<unsigned char*>(address) - kGuard);
    return kOk;
}

// kind as cudaMemcpyKind: 1 host to device, 2 device to host, 3 device to device.
int emu_memcpy(void* destination, const void* source, std::size_t bytes, int kind) {
    bool device_source = kind == 2 || kind == 3, device_destination = kind == 1 || kind == 3;
    if (kind < 1 || kind > 3) {
        return fail("unknown copy kind " + std::to_string(kind));
    }
    if ((device_source && !is_device_range(source, bytes))
            || (device_destination && !is_device_range(destination, bytes))) {
        return fail("copy of " + std::to_string(bytes) + " bytes outside the device allocations");
    }
    std::memcpy(destination, source, bytes);
    if (kind == 1) {
        host_to_device_bytes += static_cast<long long>(bytes);
    } else if (kind == 2) {
        device_to_host_bytes += static_cast<long long>(bytes);
    }
    return kOk;
}

int emu_memset(void* destination, int value, std::size_t bytes) {
    if (!is_device_range(destination, bytes)) {
        return fail("memset of " + std::to_string(bytes) + " bytes outside the device allocations");
    }
    std::memset(destination, value, bytes);
    return kOk;
}

// The kernel called name, or null; its parameter signature as emu_kernel_signature tells it.
const void* emu_find_kernel(const char* name) {
    return find_kernel(name);
}

// One letter per parameter: p pointer, i int, f float, u unsigned long long.
const char* emu_kernel_signature(const void* kernel) {
    return static_cast<const EmulatedKernel*>(kernel)->signature;
}

// Runs the kernel over the grid and returns when it has finished; args as cuLaunchKernel's kernelParams.
int emu_launch(const void* kernel, unsigned int grid_x, unsigned int grid_y, unsigned int grid_z,
               unsigned int block_x, unsigned int block_y, unsigned int block_z, void** args) {
    const auto* entry = static_cast<const EmulatedKernel*>(kernel);
    unsigned long long threads = 1ULL * block_x * block_y * block_z;
    if (grid_x == 0 || grid_y == 0 || grid_z == 0 || threads == 0 || threads > kMaxThreadsPerBlock) {
        return fail(std::string(entry->name) + ": invalid launch configuration");
    }
    if (injected_failure(entry->name)) {
        return fail(std::string(entry->name) + ": injected launch failure (as a kernel that faults on a GPU)");
    }
    std::lock_guard<std::mutex> lock(launch_mutex);
    dim3 grid{grid_x, grid_y, grid_z};
    block_threads().run(Launch{entry->bind(args), grid, dim3{block_x, block_y, block_z}, block_order(grid)});
    kernel_launches++;
    if (block_threads().barrier().diverged()) {
        return fail(std::string(entry->name) + ": __syncthreads() reached by only some threads of a block");
    }
    return check_guards(entry->name);
}

// C = alpha op(A) op(B) + beta C, column-major as cublasSgemm; op(A) is (m, k), op(B) (k, n);
// beta 0 never reads C. Accumulates in float, column by column of C.
int emu_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, int lda,
              const float* b, int ldb, float beta, float* c, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
        return fail("sgemm: negative size");
    }
    if (!is_matrix(a, trans_a ? k : m, trans_a ? m : k, lda) || !is_matrix(b, trans_b ? n : k, trans_b ? k : n, ldb)
            || !is_matrix(c, m, n, ldc)) {
        return fail("sgemm: a leading dimension below its row count, or a matrix outside the device allocations");
    }
    std::vector<float> column(static_cast<std::size_t>(m));
    std::vector<float> b_column(static_cast<std::size_t>(k));
    for (int j = 0; j < n; j++) {
        for (int l = 0; l < k; l++) {
            b_column[l] = trans_b ? b[j + static_cast<std::size_t>(l) * ldb] : b[l + static_cast<std::size_t>(j) * ldb];
        }
        if (trans_a) {
            // op(A) row i is A's column i: a dot product per element of C's column
            for (int i = 0; i < m; i++) {
                const float* a_row = a + static_cast<std::size_t>(i) * lda;
                float sum = 0.0f;
                for (int l = 0; l < k; l++) {
                    sum += a_row[l] * b_column[l];
                }
                column[i] = sum;
            }
        } else {
            // C's column is a combination of A's columns
            std::fill(column.begin(), column.end(), 0.0f);
            for (int l = 0; l < k; l++) {
                const float* a_column = a + static_cast<std::size_t>(l) * lda;
                float factor = b_column[l];
                for (int i = 0; i < m; i++) {
                    column[i] += a_column[i] * factor;
                }
            }
        }
        float* c_column = c + static_cast<std::size_t>(j) * ldc;
        for (int i = 0; i < m; i++) {
            c_column[i] = beta == 0.0f ? alpha * column[i] : alpha * column[i] + beta * c_column[i];
        }
    }
    gemm_calls++;
    return check_guards("sgemm");
}

// The convolutions of one NCHW batch, as cuDNN's cross-correlation (weight (k, c, r, r), no
// flip): x is (n, c, h, w), y (n, k, oh, ow). Each sums in float, tap by tap, its innermost loop
// running along an output row (the contiguous memory of the sum it adds to), into a scratch sum
// that is then blended: out = alpha * sum + beta * out, beta 0 never reading out.

// y = alpha conv(x, weight) + beta y.
int emu_conv_forward(int n, int c, int h, int w, int k, int r, int pad, int stride, float alpha, const float* x,
                     const float* weight, float beta, float* y) {
    ConvGeometry g;
    if (int status = check_conv("conv forward", n, c, h, w, k, r, pad, stride, x, weight, y, &g); status != kOk) {
        return status;
    }
    std::vector<float> sum(static_cast<std::size_t>(g.oh) * g.ow);
    for (int image = 0; image < n; image++) {
        for (int out = 0; out < k; out++) {
            std::fill(sum.begin(), sum.end(), 0.0f);
            for (int in = 0; in < c; in++) {
                const float* plane = x + (static_cast<std::size_t>(image) * c + in) * h * w;
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        float tap = weight[((static_cast<std::size_t>(out) * c + in) * r + i) * r + j];
                        int first = g.first_column(j), end = g.end_column(j);
                        for (int oy = 0; oy < g.oh; oy++) {
                            int iy = oy * stride - pad + i;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            const float* row = plane + static_cast<std::size_t>(iy) * w - pad + j;
                            float* sum_row = sum.data() + static_cast<std::size_t>(oy) * g.ow;
                            for (int ox = first; ox < end; ox++) {
                                sum_row[ox] += tap * row[ox * stride];
                            }
                        }
                    }
                }
            }
            blend(alpha, sum.data(), beta, y + (static_cast<std::size_t>(image) * k + out) * sum.size(), sum.size());
        }
    }
    conv_calls++;
    return check_guards("conv forward");
}

// dx = alpha (the gradient of conv(x, weight) with respect to x, given dy) + beta dx.
int emu_conv_backward_data(int n, int c, int h, int w, int k, int r, int pad, int stride, float alpha,
                           const float* dy, const float* weight, float beta, float* dx) {
    ConvGeometry g;
    if (int status = check_conv("conv backward data", n, c, h, w, k, r, pad, stride, dx, weight, dy, &g);
            status != kOk) {
        return status;
    }
    std::vector<float> sum(static_cast<std::size_t>(h) * w);
    for (int image = 0; image < n; image++) {
        for (int in = 0; in < c; in++) {
            std::fill(sum.begin(), sum.end(), 0.0f);
            for (int out = 0; out < k; out++) {
                const float* plane = dy + (static_cast<std::size_t>(image) * k + out) * g.oh * g.ow;
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        float tap = weight[((static_cast<std::size_t>(out) * c + in) * r + i) * r + j];
                        int first = g.first_column(j), end = g.end_column(j);
                        for (int oy = 0; oy < g.oh; oy++) {
                            int iy = oy * stride - pad + i;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            float* sum_row = sum.data() + static_cast<std::size_t>(iy) * w - pad + j;
                            const float* dy_row = plane + static_cast<std::size_t>(oy) * g.ow;
                            for (int ox = first; ox < end; ox++) {
                                sum_row[ox * stride] += tap * dy_row[ox];
                            }
                        }
                    }
                }
            }
            blend(alpha, sum.data(), beta, dx + (static_cast<std::size_t>(image) * c + in) * sum.size(), sum.size());
        }
    }
    conv_calls++;
    return check_guards("conv backward data");
}

// dw = alpha (the gradient of conv(x, weight) with respect to the weight, given dy, summed over
// the images) + beta dw.
int emu_conv_backward_filter(int n, int c, int h, int w, int k, int r, int pad, int stride, float alpha,
                             const float* x, const float* dy, float beta, float* dw) {
    ConvGeometry g;
    if (int status = check_conv("conv backward filter", n, c, h, w, k, r, pad, stride, x, dw, dy, &g);
            status != kOk) {
        return status;
    }
    std::vector<float> sum(g.weight_floats(), 0.0f);
    for (int image = 0; image < n; image++) {
        for (int out = 0; out < k; out++) {
            const float* dy_plane = dy + (static_cast<std::size_t>(image) * k + out) * g.oh * g.ow;
            for (int in = 0; in < c; in++) {
                const float* plane = x + (static_cast<std::size_t>(image) * c + in) * h * w;
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < r; j++) {
                        float tap = 0.0f;
                        int first = g.first_column(j), end = g.end_column(j);
                        for (int oy = 0; oy < g.oh; oy++) {
                            int iy = oy * stride - pad + i;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            const float* row = plane + static_cast<std::size_t>(iy) * w - pad + j;
                            const float* dy_row = dy_plane + static_cast<std::size_t>(oy) * g.ow;
                            for (int ox = first; ox < end; ox++) {
                                tap += dy_row[ox] * row[ox * stride];
                            }
                        }
                        sum[((static_cast<std::size_t>(out) * c + in) * r + i) * r + j] += tap;
                    }
                }
            }
        }
    }
    blend(alpha, sum.data(), beta, dw, sum.size());
    conv_calls++;
    return check_guards("conv backward filter");
}

// counters[0..4] = kernel launches, sgemm calls, bytes copied host to device, device to host, convolution calls.
void emu_counters(long long* counters) {
    counters[0] = kernel_launches.load();
    counters[1] = gemm_calls.load();
    counters[2] = host_to_device_bytes.load();
    counters[3] = device_to_host_bytes.load();
    counters[4] = conv_calls.load();
}

void emu_reset_counters() {
    kernel_launches = 0;
    gemm_calls = 0;
    host_to_device_bytes = 0;
    device_to_host_bytes = 0;
    conv_calls = 0;
}

}  // extern "C"
