// The kernels of kernels/*.cu compiled for the emulator, and the table that launches them by name.
#include "cuda_emu.h"
#include "../../../kernels/kernels.cu"

#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "emulated_kernels.h"

namespace cuda_emu {
namespace {

template <class T>
constexpr char parameter_code() {
    if constexpr (std::is_pointer_v<T>) {
        return 'p';
    } else if constexpr (std::is_same_v<T, int>) {
        return 'i';
    } else if constexpr (std::is_same_v<T, float>) {
        return 'f';
    } else {
        static_assert(std::is_same_v<T, unsigned long long>, "kernel parameter of an unsupported type");
        return 'u';
    }
}

template <class... P>
const char* signature_of(void (*)(P...)) {
    static const char codes[] = {parameter_code<P>()..., '\0'};
    return codes;
}

template <class... P, std::size_t... I>
std::function<void()> bind_values(void (*kernel)(P...), void** args, std::index_sequence<I...>) {
    std::tuple<P...> values{*static_cast<P*>(args[I])...};
    return [kernel, values] { std::apply(kernel, values); };
}

template <class... P>
std::function<void()> bind_arguments(void (*kernel)(P...), void** args) {
    return bind_values(kernel, args, std::index_sequence_for<P...>{});
}

template <auto Kernel>
std::function<void()> bind(void** args) {
    return bind_arguments(Kernel, args);
}

#define EMULATED_KERNEL(kernel) EmulatedKernel{#kernel, signature_of(kernel), bind<kernel>}

const EmulatedKernel kKernels[] = {
    EMULATED_KERNEL(bias_add),
    EMULATED_KERNEL(activation_backward),
    EMULATED_KERNEL(channel_bias_add),
    EMULATED_KERNEL(channel_activation_backward),
    EMULATED_KERNEL(sigmoid),
    EMULATED_KERNEL(reparameterize),
    EMULATED_KERNEL(reparameterize_backward),
    EMULATED_KERNEL(loss_and_gradients),
    EMULATED_KERNEL(adam),
    EMULATED_KERNEL(gather_batch),
};

}  // namespace

const EmulatedKernel* find_kernel(const char* name) {
    for (const EmulatedKernel& kernel : kKernels) {
        if (std::strcmp(kernel.name, name) == 0) {
            return &kernel;
        }
    }
    return nullptr;
}

}  // namespace cuda_emu

// Test hook: the four 32-bit outputs of kernels/philox.cuh for one counter block.
extern "C" void emu_philox4x32_10(unsigned long long seed, int stream, unsigned long long step,
                                  unsigned int blockIndex, unsigned int* out) {
    uint4 block = philox4x32_10(seed, stream, step, blockIndex);
    out[0] = block.x;
    out[1] = block.y;
    out[2] = block.z;
    out[3] = block.w;
}
