// The PTX interpreter's executor (ptx_executor.h): each instruction of an entry is bound once per
// launch to a handler, a function instantiated for its types and modifiers (select_handler);
// implemented() asks the same selection, so the two cannot drift apart. The threads of a block
// share nothing but the shared window; registers are 64-bit slots in one flat array.
#include "ptx_executor.h"

#include <algorithm>
#include <array>
#include <cfenv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace fake_cuda::ptx {

std::size_t type_bytes(Type type) {
    switch (type) {
        case Type::b8: case Type::u8: case Type::s8: return 1;
        case Type::b16: case Type::u16: case Type::s16: case Type::f16: return 2;
        case Type::b32: case Type::u32: case Type::s32: case Type::f32: return 4;
        case Type::b64: case Type::u64: case Type::s64: case Type::f64: return 8;
        case Type::none: case Type::pred: return 0;
    }
    return 0;
}

const Entry* Program::find_entry(const std::string& name) const {
    for (const Entry& entry : entries) {
        if (entry.name == name) return &entry;
    }
    return nullptr;
}

const GlobalVariable* Program::global_variable_at(std::uint64_t address, std::size_t bytes) const {
    for (const GlobalVariable& variable : globals) {
        const auto begin = reinterpret_cast<std::uintptr_t>(variable.storage.get());
        if (address >= begin && bytes <= variable.bytes && address - begin <= variable.bytes - bytes) return &variable;
    }
    return nullptr;
}

namespace {

using Pred = bool;  // a .pred register's value (its slot holds 0 or 1)

enum class Stop : std::uint8_t { none, barrier, exited, fault };

// [begin, end) of global memory already checked (kernels stream through a few buffers at once).
struct GlobalRange {
    std::uint64_t begin = 0, end = 0;
};

struct Machine;
using Handler = void (*)(Machine&, const Instruction&);

// A launch's state, and the running thread's.
struct Machine {
    Machine(const Program& program, const Entry& entry, const unsigned char* parameters, Approximation approximation,
            DeviceMemoryCheck is_device_memory)
        : program(program), entry(entry), parameters(parameters), approximation(approximation), is_device_memory(is_device_memory) {}

    const Program& program;
    const Entry& entry;
    const unsigned char* parameters;
    Approximation approximation;
    DeviceMemoryCheck is_device_memory;
    std::array<GlobalRange, 8> global_ranges{};      // the last ranges of global memory that passed
    std::uint32_t next_global_range = 0;             // the one the next new range replaces
    std::vector<unsigned char> shared;               // the block's window
    std::uint64_t* regs = nullptr;                   // the running thread's slots
    unsigned char* local = nullptr;                  // and its local memory
    std::array<std::uint64_t, 12> special{};         // its special registers, indexed by Special
    std::uint32_t pc = 0;
    Stop stop = Stop::none;
    std::optional<Fault> fault;
};

// ---- operands -------------------------------------------------------------------------------

#define FAKE_CUDA_HOT [[gnu::always_inline]] inline  // the interpreter's per-operand helpers

FAKE_CUDA_HOT std::uint64_t raw(const Machine& m, const Operand& operand) {
    switch (operand.kind) {
        case Operand::Kind::reg: return m.regs[operand.reg];
        case Operand::Kind::special: return m.special[operand.bits];
        default: return operand.bits;
    }
}

// The value of type T in the low bytes of a slot or immediate.
template <class T> FAKE_CUDA_HOT T from_bits(std::uint64_t bits) {
    if constexpr (std::is_same_v<T, Pred>) {
        return bits != 0;
    } else {
        T value;
        std::memcpy(&value, &bits, sizeof(T));
        return value;
    }
}

// A slot holding the value: integers extended by their signedness, floats' bits zero-extended.
template <class T> FAKE_CUDA_HOT std::uint64_t to_bits(T value) {
    if constexpr (std::is_same_v<T, Pred>) {
        return value ? 1 : 0;
    } else if constexpr (std::is_floating_point_v<T>) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &value, sizeof(T));
        return bits;
    } else if constexpr (std::is_signed_v<T>) {
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
    } else {
        return static_cast<std::uint64_t>(value);
    }
}

template <class T> FAKE_CUDA_HOT T get(const Machine& m, const Instruction& in, int index) {
    return from_bits<T>(raw(m, in.operands[index]));
}

template <class T> FAKE_CUDA_HOT void put(Machine& m, const Instruction& in, T value) {
    m.regs[in.operands[0].reg] = to_bits(value);
}

// ---- faults ---------------------------------------------------------------------------------

std::string triple(std::uint64_t x, std::uint64_t y, std::uint64_t z) {
    return "(" + std::to_string(x) + "," + std::to_string(y) + "," + std::to_string(z) + ")";
}

void fail(Machine& m, const Instruction& in, CUresult code, const std::string& what) {
    const auto& s = m.special;
    const auto at = [&](Special which) { return s[static_cast<std::size_t>(which)]; };
    m.fault = Fault{code, m.entry.name + ": block " + triple(at(Special::ctaid_x), at(Special::ctaid_y), at(Special::ctaid_z)) +
                              " thread " + triple(at(Special::tid_x), at(Special::tid_y), at(Special::tid_z)) + ": line " +
                              std::to_string(in.line) + " `" + in.opcode + "`: " + what};
    m.stop = Stop::fault;
}

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%" PRIx64, value);
    return text;
}

// ---- memory ---------------------------------------------------------------------------------

FAKE_CUDA_HOT bool in_range(const GlobalRange& range, std::uint64_t address, std::size_t bytes) {
    return address >= range.begin && address - range.begin + bytes <= range.end - range.begin;
}

void remember(Machine& m, std::uint64_t begin, std::uint64_t end) {
    m.global_ranges[m.next_global_range] = GlobalRange{begin, end};
    m.next_global_range = (m.next_global_range + 1) % m.global_ranges.size();
}

// Whether [address, address + bytes) is global memory, remembering the range that passed: the
// variable, or the largest aligned power-of-two window (64 KiB at least) around it that is all
// device memory, else the access itself.
bool admit_global(Machine& m, std::uint64_t address, std::size_t bytes) {
    if (const GlobalVariable* variable = m.program.global_variable_at(address, bytes)) {
        const auto begin = reinterpret_cast<std::uintptr_t>(variable->storage.get());
        remember(m, begin, begin + variable->bytes);
        return true;
    }
    if (m.is_device_memory == nullptr || !m.is_device_memory(address, bytes)) return false;
    const auto device_window = [&](std::uint64_t size) {
        const std::uint64_t begin = address & ~(size - 1);
        return address + bytes <= begin + size && m.is_device_memory(begin, size);
    };
    std::uint64_t size = 64 * 1024;
    if (!device_window(size)) {
        remember(m, address, address + bytes);
        return true;
    }
    while (size < (std::uint64_t(1) << 40) && device_window(2 * size)) size *= 2;
    const std::uint64_t begin = address & ~(size - 1);
    remember(m, begin, begin + size);
    return true;
}

FAKE_CUDA_HOT bool remembered(const Machine& m, std::uint64_t address, std::size_t bytes) {
    for (const GlobalRange& range : m.global_ranges) {
        if (in_range(range, address, bytes)) return true;
    }
    return false;
}

bool inside(std::uint64_t offset, std::size_t bytes, std::size_t size) {
    return offset <= size && bytes <= size - offset;
}

const char* window_name(Space space) {
    switch (space) {
        case Space::param: return "parameter buffer";
        case Space::shared: return "block's shared window";
        default: return "thread's local memory";
    }
}

// The host bytes an access of `bytes` at the address operand touches, or nullptr after a fault.
template <Space S> FAKE_CUDA_HOT unsigned char* resolve(Machine& m, const Instruction& in, const Operand& operand, std::size_t bytes) {
    const std::uint64_t address = (operand.has_base ? m.regs[operand.reg] : 0) + operand.bits;
    unsigned char* pointer;
    if constexpr (S == Space::global) {
        if (!remembered(m, address, bytes) && !admit_global(m, address, bytes)) {
            fail(m, in, CUDA_ERROR_ILLEGAL_ADDRESS,
                 "address " + hex(address) + " (" + std::to_string(bytes) + " bytes) is outside every live allocation");
            return nullptr;
        }
        pointer = reinterpret_cast<unsigned char*>(address);
    } else {
        unsigned char* base;
        std::size_t size;
        if constexpr (S == Space::param) {
            base = const_cast<unsigned char*>(m.parameters);  // ld.param only reads it
            size = m.entry.parameter_bytes;
        } else if constexpr (S == Space::shared) {
            base = m.shared.data();
            size = m.shared.size();
        } else {
            base = m.local;
            size = m.entry.local_bytes;
        }
        if (!inside(address, bytes, size)) {
            fail(m, in, CUDA_ERROR_ILLEGAL_ADDRESS,
                 "offset " + hex(address) + " (" + std::to_string(bytes) + " bytes) is outside the " + window_name(S) + " (" +
                     std::to_string(size) + " bytes)");
            return nullptr;
        }
        pointer = base + address;
    }
    if (address % bytes != 0) {
        fail(m, in, CUDA_ERROR_MISALIGNED_ADDRESS,
             "address " + hex(address) + " is not a multiple of the access size (" + std::to_string(bytes) + " bytes)");
        return nullptr;
    }
    return pointer;
}

template <class T, Space S> void load(Machine& m, const Instruction& in) {
    const unsigned char* pointer = resolve<S>(m, in, in.operands[1], sizeof(T));
    if (pointer == nullptr) return;
    T value;
    std::memcpy(&value, pointer, sizeof(T));
    put(m, in, value);
}

template <class T, Space S> void store(Machine& m, const Instruction& in) {
    unsigned char* pointer = resolve<S>(m, in, in.operands[0], sizeof(T));
    if (pointer == nullptr) return;
    const T value = get<T>(m, in, 1);
    std::memcpy(pointer, &value, sizeof(T));
}

// ---- floating point helpers -----------------------------------------------------------------

// .ftz: a subnormal f32 becomes a zero of its sign.
template <class T> FAKE_CUDA_HOT T flush(T value, bool ftz) {
    if constexpr (std::is_same_v<T, float>) {
        const auto bits = from_bits<std::uint32_t>(to_bits(value));
        if (ftz && (bits & 0x7F800000u) == 0) return from_bits<float>(bits & 0x80000000u);  // zero exponent: 0 or subnormal
    }
    return value;
}

// .sat: clamp to [0, 1]; NaN (and -0) become +0.
template <class T> T saturate(T value) {
    if (!(value > T(0))) return T(0);
    return value > T(1) ? T(1) : value;
}

FAKE_CUDA_HOT int fe_mode(Rounding rounding) {
    switch (rounding) {
        case Rounding::rz: case Rounding::rzi: return FE_TOWARDZERO;
        case Rounding::rm: case Rounding::rmi: return FE_DOWNWARD;
        case Rounding::rp: case Rounding::rpi: return FE_UPWARD;
        default: return FE_TONEAREST;
    }
}

FAKE_CUDA_HOT bool directed(Rounding rounding) { return fe_mode(rounding) != FE_TONEAREST; }

// Op::apply(a, b, c) evaluated under the rounding mode. The volatile operands and result pin the
// arithmetic between the two fesetround calls (no folding or moving it out of the window).
template <class R, class Op, class... A> R rounded(Rounding rounding, A... args) {
    if (!directed(rounding)) return Op::template apply<R>(args...);
    const std::tuple<volatile A...> pinned{args...};
    std::fesetround(fe_mode(rounding));
    volatile R result = std::apply([](const volatile A&... a) { return Op::template apply<R>(A(a)...); }, pinned);
    std::fesetround(FE_TONEAREST);
    return result;
}

struct Add { template <class R, class T> static R apply(T a, T b) { return a + b; } };
struct Sub { template <class R, class T> static R apply(T a, T b) { return a - b; } };
struct Mul { template <class R, class T> static R apply(T a, T b) { return a * b; } };
struct Div { template <class R, class T> static R apply(T a, T b) { return a / b; } };
struct Fma { template <class R, class T> static R apply(T a, T b, T c) { return std::fma(a, b, c); } };
struct Sqrt { template <class R, class T> static R apply(T a) { return std::sqrt(a); } };
struct Rcp { template <class R, class T> static R apply(T a) { return T(1) / a; } };
struct Convert { template <class R, class T> static R apply(T a) { return static_cast<R>(a); } };

// add sub mul div fma sqrt rcp (.rn .rz .rm .rp) on f32/f64, with .ftz and .sat.
template <class T, class Op, int Arity> void float_arithmetic(Machine& m, const Instruction& in) {
    const T a = flush(get<T>(m, in, 1), in.ftz);
    T result;
    if constexpr (Arity == 1) {
        result = rounded<T, Op>(in.rounding, a);
    } else if constexpr (Arity == 2) {
        result = rounded<T, Op>(in.rounding, a, flush(get<T>(m, in, 2), in.ftz));
    } else {
        result = rounded<T, Op>(in.rounding, a, flush(get<T>(m, in, 2), in.ftz), flush(get<T>(m, in, 3), in.ftz));
    }
    result = flush(result, in.ftz);
    put(m, in, in.sat ? saturate(result) : result);
}

template <class T> void float_neg(Machine& m, const Instruction& in) { put(m, in, -flush(get<T>(m, in, 1), in.ftz)); }
template <class T> void float_abs(Machine& m, const Instruction& in) { put(m, in, std::fabs(flush(get<T>(m, in, 1), in.ftz))); }

// copysign d, a, b: |b| with a's sign.
template <class T> void float_copysign(Machine& m, const Instruction& in) {
    put(m, in, std::copysign(get<T>(m, in, 2), get<T>(m, in, 1)));
}

// min/max: a NaN operand yields the other; both NaN yield the canonical NaN; +0 > -0.
template <class T, bool Max> void float_min_max(Machine& m, const Instruction& in) {
    const T a = flush(get<T>(m, in, 1), in.ftz), b = flush(get<T>(m, in, 2), in.ftz);
    T result;
    if (std::isnan(a) && std::isnan(b)) {
        result = std::numeric_limits<T>::quiet_NaN();
        if constexpr (std::is_same_v<T, float>) result = from_bits<float>(0x7FFFFFFF);
    } else if (std::isnan(a)) {
        result = b;
    } else if (std::isnan(b)) {
        result = a;
    } else if (a == b) {  // only zeros of opposite signs differ here
        result = (std::signbit(a) == Max) ? b : a;
    } else {
        result = (a > b) == Max ? a : b;
    }
    put(m, in, result);
}

// ---- approximate functions ------------------------------------------------------------------

enum class Function { ex2, lg2, rcp, rsqrt, sin, cos, tanh };

// The PTX ISA's bound on an approximation's error: `size` ulps of the correctly rounded result,
// a relative error, or an absolute one.
struct Bound {
    enum class Kind { none, ulps, relative, absolute } kind;
    double size;
};

Bound error_bound(Function function, float input) {
    switch (function) {
        case Function::ex2: return {Bound::Kind::ulps, 2};
        case Function::rcp: return {Bound::Kind::ulps, 1};
        case Function::lg2:  // absolute inside (0.5, 2), relative outside
            return {input > 0.5f && input < 2.0f ? Bound::Kind::absolute : Bound::Kind::relative, std::exp2(-22.0)};
        case Function::rsqrt: return {Bound::Kind::relative, std::exp2(-22.9)};
        case Function::sin: case Function::cos:  // 2^-20.5 over [-2 pi, 2 pi], 2^-14.7 to 100 pi, none beyond
            if (std::fabs(input) <= 2 * std::numbers::pi) return {Bound::Kind::absolute, std::exp2(-20.5)};
            if (std::fabs(input) <= 100 * std::numbers::pi) return {Bound::Kind::absolute, std::exp2(-14.7)};
            return {Bound::Kind::none, 0};
        case Function::tanh: return {Bound::Kind::relative, std::exp2(-11.0)};
    }
    return {Bound::Kind::none, 0};
}

double exact(Function function, double x) {
    switch (function) {
        case Function::ex2: return std::exp2(x);
        case Function::lg2: return std::log2(x);
        case Function::rcp: return 1.0 / x;
        case Function::rsqrt: return 1.0 / std::sqrt(x);
        case Function::sin: return std::sin(x);
        case Function::cos: return std::cos(x);
        case Function::tanh: return std::tanh(x);
    }
    return x;
}

float with_magnitude(float magnitude, float sign_of) { return std::copysign(magnitude, sign_of); }

// The float of largest magnitude not above `magnitude` (a non-negative double), at most FLT_MAX.
float float_not_above(double magnitude) {
    float f = static_cast<float>(magnitude);
    if (static_cast<double>(f) > magnitude) f = std::nextafter(f, 0.0f);
    return f;
}

// The float of smallest magnitude not below `magnitude` (a non-negative double).
float float_not_below(double magnitude) {
    float f = static_cast<float>(magnitude);
    if (static_cast<double>(f) < magnitude) f = std::nextafter(f, std::numeric_limits<float>::infinity());
    return f;
}

// The correctly rounded result moved as far as the bound allows, its magnitude up or down.
float worst(double exact_value, float nearest, Bound bound, bool up) {
    const float magnitude = std::fabs(nearest);
    float moved;
    if (bound.kind == Bound::Kind::ulps) {
        const auto bits = from_bits<std::uint32_t>(to_bits(magnitude));
        const auto steps = static_cast<std::uint32_t>(bound.size);
        const std::uint32_t largest_finite = 0x7F7FFFFF;
        moved = from_bits<float>(up ? std::min(bits + steps, largest_finite) : (bits > steps ? bits - steps : 0));
    } else {
        const double exact_magnitude = std::fabs(exact_value);
        const double delta = bound.kind == Bound::Kind::relative ? exact_magnitude * bound.size : bound.size;
        moved = up ? std::max(magnitude, float_not_above(exact_magnitude + delta))
                   : std::min(magnitude, float_not_below(std::max(0.0, exact_magnitude - delta)));
    }
    return with_magnitude(moved, nearest);
}

// The instruction's result: the exact value rounded to nearest, or moved by its error bound. Zero,
// infinite and NaN results and the doc's special inputs (zeros, infinities, NaN; tanh's subnormal
// inputs, which it passes through) stay exact.
template <Function F> void approximate(Machine& m, const Instruction& in) {
    const float input = flush(get<float>(m, in, 1), in.ftz);
    const double exact_value = exact(F, static_cast<double>(input));
    float result = static_cast<float>(exact_value);
    const bool passed_through = F == Function::tanh && std::fpclassify(input) == FP_SUBNORMAL;
    const bool special = input == 0.0f || !std::isfinite(input) || result == 0.0f || !std::isfinite(result) || passed_through;
    const Bound bound = error_bound(F, input);
    if (m.approximation != Approximation::exact && !special && bound.kind != Bound::Kind::none) {
        result = worst(exact_value, result, bound, m.approximation == Approximation::worst_up);
    }
    put(m, in, flush(result, in.ftz));
}

// ---- integers -------------------------------------------------------------------------------

// Arithmetic in an unsigned type at least as wide as int, so that it wraps instead of overflowing.
template <class T> using Wrap = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

template <class T> struct WideOf;
template <> struct WideOf<std::int16_t> { using type = std::int32_t; };
template <> struct WideOf<std::uint16_t> { using type = std::uint32_t; };
template <> struct WideOf<std::int32_t> { using type = std::int64_t; };
template <> struct WideOf<std::uint32_t> { using type = std::uint64_t; };
template <> struct WideOf<std::int64_t> { using type = __int128; };
template <> struct WideOf<std::uint64_t> { using type = unsigned __int128; };
template <class T> using Wide = typename WideOf<T>::type;

template <class T> T wrapping_add(T a, T b) { return static_cast<T>(Wrap<T>(a) + Wrap<T>(b)); }
template <class T> T wrapping_mul(T a, T b) { return static_cast<T>(Wrap<T>(a) * Wrap<T>(b)); }

struct IntAdd { template <class T> static T apply(T a, T b) { return wrapping_add(a, b); } };
struct IntSub { template <class T> static T apply(T a, T b) { return static_cast<T>(Wrap<T>(a) - Wrap<T>(b)); } };
struct MulLo { template <class T> static T apply(T a, T b) { return wrapping_mul(a, b); } };
struct MulHi {
    template <class T> static T apply(T a, T b) {
        return static_cast<T>((static_cast<Wide<T>>(a) * static_cast<Wide<T>>(b)) >> (8 * sizeof(T)));
    }
};
struct IntMin { template <class T> static T apply(T a, T b) { return std::min(a, b); } };
struct IntMax { template <class T> static T apply(T a, T b) { return std::max(a, b); } };
struct And { template <class T> static T apply(T a, T b) { return static_cast<T>(a & b); } };
struct Or { template <class T> static T apply(T a, T b) { return static_cast<T>(a | b); } };
struct Xor { template <class T> static T apply(T a, T b) { return static_cast<T>(a ^ b); } };

// Division by zero is unspecified in the PTX ISA: a fixed answer here (the host would trap):
// unsigned all ones, signed -1; INT_MIN / -1 wraps to INT_MIN.
struct IntDiv {
    template <class T> static T apply(T a, T b) {
        if (b == 0) return static_cast<T>(-1);
        if constexpr (std::is_signed_v<T>) {
            if (b == -1) return static_cast<T>(Wrap<T>(0) - Wrap<T>(a));
        }
        return static_cast<T>(a / b);
    }
};

// The remainder by zero is unspecified in the PTX ISA: the dividend here; INT_MIN % -1 is 0.
struct IntRem {
    template <class T> static T apply(T a, T b) {
        if (b == 0) return a;
        if constexpr (std::is_signed_v<T>) {
            if (b == -1) return 0;
        }
        return static_cast<T>(a % b);
    }
};

template <class T, class Op> void int_binary(Machine& m, const Instruction& in) {
    put(m, in, Op::apply(get<T>(m, in, 1), get<T>(m, in, 2)));
}

// mad.lo / mad.hi: the product's part plus c, wrapping.
template <class T, class Part> void int_mad(Machine& m, const Instruction& in) {
    put(m, in, wrapping_add(Part::apply(get<T>(m, in, 1), get<T>(m, in, 2)), get<T>(m, in, 3)));
}

// mul.wide / mad.wide: the whole product of two T, in the type twice as wide.
template <class T> void mul_wide(Machine& m, const Instruction& in) {
    using W = Wide<T>;
    put(m, in, wrapping_mul<W>(get<T>(m, in, 1), get<T>(m, in, 2)));
}

template <class T> void mad_wide(Machine& m, const Instruction& in) {
    using W = Wide<T>;
    put(m, in, wrapping_add<W>(wrapping_mul<W>(get<T>(m, in, 1), get<T>(m, in, 2)), get<W>(m, in, 3)));
}

template <class T> void int_neg(Machine& m, const Instruction& in) {
    put(m, in, static_cast<T>(Wrap<T>(0) - Wrap<T>(get<T>(m, in, 1))));
}

template <class T> void int_abs(Machine& m, const Instruction& in) {
    const T a = get<T>(m, in, 1);
    put(m, in, a < 0 ? static_cast<T>(Wrap<T>(0) - Wrap<T>(a)) : a);
}

template <class T> void bitwise_not(Machine& m, const Instruction& in) {
    if constexpr (std::is_same_v<T, Pred>) {
        put(m, in, !get<Pred>(m, in, 1));
    } else {
        put(m, in, static_cast<T>(~get<T>(m, in, 1)));
    }
}

// Shifts take an unsigned 32-bit amount; past the width, shl and logical shr give 0 and
// arithmetic shr the sign.
template <class T> void shift_left(Machine& m, const Instruction& in) {
    const std::uint32_t amount = get<std::uint32_t>(m, in, 2);
    put(m, in, amount >= 8 * sizeof(T) ? T(0) : static_cast<T>(Wrap<T>(get<T>(m, in, 1)) << amount));
}

template <class T> void shift_right(Machine& m, const Instruction& in) {
    const std::uint32_t amount = std::min<std::uint32_t>(get<std::uint32_t>(m, in, 2), 8 * sizeof(T));
    const T a = get<T>(m, in, 1);
    if constexpr (std::is_signed_v<T>) {
        put(m, in, amount == 8 * sizeof(T) ? static_cast<T>(a < 0 ? -1 : 0) : static_cast<T>(a >> amount));
    } else {
        put(m, in, amount == 8 * sizeof(T) ? T(0) : static_cast<T>(a >> amount));
    }
}

// bfi f, a, b, pos, len: b with len bits of a inserted at pos; bits past the top are dropped.
template <class T> void bit_field_insert(Machine& m, const Instruction& in) {
    constexpr std::uint32_t width = 8 * sizeof(T);
    const T a = get<T>(m, in, 1), b = get<T>(m, in, 2);
    const std::uint32_t position = get<std::uint32_t>(m, in, 3) & 0xff, length = get<std::uint32_t>(m, in, 4) & 0xff;
    if (position >= width || length == 0) {
        put(m, in, b);
        return;
    }
    const std::uint32_t bits = std::min(length, width - position);
    const T field = bits == width ? static_cast<T>(~T(0)) : static_cast<T>((T(1) << bits) - 1);
    const T mask = static_cast<T>(field << position);
    put(m, in, static_cast<T>((b & ~mask) | ((a << position) & mask)));
}

void predicate_and(Machine& m, const Instruction& in) { put(m, in, get<Pred>(m, in, 1) && get<Pred>(m, in, 2)); }
void predicate_or(Machine& m, const Instruction& in) { put(m, in, get<Pred>(m, in, 1) || get<Pred>(m, in, 2)); }
void predicate_xor(Machine& m, const Instruction& in) { put(m, in, get<Pred>(m, in, 1) != get<Pred>(m, in, 2)); }

// ---- comparison, selection, moves -----------------------------------------------------------

template <Compare C, class T> bool compare(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
        const bool unordered = std::isnan(a) || std::isnan(b);
        switch (C) {
            case Compare::eq: return !unordered && a == b;
            case Compare::ne: return !unordered && a != b;
            case Compare::lt: return !unordered && a < b;
            case Compare::le: return !unordered && a <= b;
            case Compare::gt: return !unordered && a > b;
            case Compare::ge: return !unordered && a >= b;
            case Compare::equ: return unordered || a == b;
            case Compare::neu: return unordered || a != b;
            case Compare::ltu: return unordered || a < b;
            case Compare::leu: return unordered || a <= b;
            case Compare::gtu: return unordered || a > b;
            case Compare::geu: return unordered || a >= b;
            case Compare::num: return !unordered;
            case Compare::nan: return unordered;
            default: return false;
        }
    } else {
        using U = std::make_unsigned_t<T>;
        switch (C) {
            case Compare::eq: return a == b;
            case Compare::ne: return a != b;
            case Compare::lt: return a < b;
            case Compare::le: return a <= b;
            case Compare::gt: return a > b;
            case Compare::ge: return a >= b;
            case Compare::lo: return U(a) < U(b);
            case Compare::ls: return U(a) <= U(b);
            case Compare::hi: return U(a) > U(b);
            case Compare::hs: return U(a) >= U(b);
            default: return false;
        }
    }
}

template <class T, Compare C> void set_predicate(Machine& m, const Instruction& in) {
    put(m, in, compare<C>(flush(get<T>(m, in, 1), in.ftz), flush(get<T>(m, in, 2), in.ftz)));
}

template <class T> void select_value(Machine& m, const Instruction& in) {
    put(m, in, get<T>(m, in, get<Pred>(m, in, 3) ? 1 : 2));
}

template <class T> void move(Machine& m, const Instruction& in) { put(m, in, get<T>(m, in, 1)); }

// ---- conversions ----------------------------------------------------------------------------

// A float rounded to an integral value by .rni .rzi .rmi .rpi.
template <class T> T integral(T value, Rounding rounding) {
    switch (rounding) {
        case Rounding::rzi: return std::trunc(value);
        case Rounding::rmi: return std::floor(value);
        case Rounding::rpi: return std::ceil(value);
        default: return std::nearbyint(value);  // .rni: to nearest even (the mode is nearest here)
    }
}

// An integral float into D, saturating at D's range; NaN gives 0.
template <class D> D saturating_integer(double value) {
    if (std::isnan(value)) return 0;
    constexpr int value_bits = std::numeric_limits<D>::digits;  // excluding the sign
    const double limit = std::ldexp(1.0, value_bits);           // D's maximum + 1
    if (value >= limit) return std::numeric_limits<D>::max();
    if (value <= static_cast<double>(std::numeric_limits<D>::min())) return std::numeric_limits<D>::min();
    return static_cast<D>(value);
}

template <class D, class S> void convert(Machine& m, const Instruction& in) {
    const S source = flush(get<S>(m, in, 1), in.ftz);
    D result;
    if constexpr (!std::is_floating_point_v<D> && !std::is_floating_point_v<S>) {
        result = static_cast<D>(source);  // extends by the source's signedness, wraps to D
    } else if constexpr (!std::is_floating_point_v<D>) {
        result = saturating_integer<D>(static_cast<double>(integral(source, in.rounding)));
    } else if constexpr (std::is_same_v<D, S>) {
        result = in.rounding == Rounding::none ? source : integral(source, in.rounding);
    } else {
        result = rounded<D, Convert>(in.rounding, source);
    }
    if constexpr (std::is_floating_point_v<D>) {
        result = flush(result, in.ftz);
        if (in.sat) result = saturate(result);
    }
    put(m, in, result);
}

// ---- atomics --------------------------------------------------------------------------------

template <AtomicOp A, class T> T combine(T old, T b, T c) {
    switch (A) {
        case AtomicOp::add:
            if constexpr (std::is_floating_point_v<T>) {
                return old + b;
            } else {
                return wrapping_add(old, b);
            }
        case AtomicOp::min: return std::min(old, b);
        case AtomicOp::max: return std::max(old, b);
        case AtomicOp::exch: return b;
        case AtomicOp::cas: return old == b ? c : old;
        default: break;
    }
    if constexpr (std::is_integral_v<T>) {
        switch (A) {
            case AtomicOp::and_: return static_cast<T>(old & b);
            case AtomicOp::or_: return static_cast<T>(old | b);
            case AtomicOp::xor_: return static_cast<T>(old ^ b);
            case AtomicOp::inc: return old >= b ? T(0) : static_cast<T>(old + 1);
            case AtomicOp::dec: return (old == 0 || old > b) ? b : static_cast<T>(old - 1);
            default: break;
        }
    }
    return old;
}

// atom d, [a], b (, c): d = old value; red [a], b: no result. Threads run one at a time, so a
// read-modify-write is atomic.
template <class T, Space S, AtomicOp A, bool ReturnsOld> void atomic(Machine& m, const Instruction& in) {
    constexpr int address = ReturnsOld ? 1 : 0;
    unsigned char* pointer = resolve<S>(m, in, in.operands[address], sizeof(T));
    if (pointer == nullptr) return;
    T old;
    std::memcpy(&old, pointer, sizeof(T));
    const T value = combine<A>(old, get<T>(m, in, address + 1), A == AtomicOp::cas ? get<T>(m, in, address + 2) : T{});
    std::memcpy(pointer, &value, sizeof(T));
    if constexpr (ReturnsOld) put(m, in, old);
}

// ---- control --------------------------------------------------------------------------------

void branch(Machine& m, const Instruction& in) { m.pc = in.target; }
void finish(Machine& m, const Instruction&) { m.stop = Stop::exited; }
void barrier(Machine& m, const Instruction&) { m.stop = Stop::barrier; }
void nothing(Machine&, const Instruction&) {}

// ---- handler selection: the one place that says what is implemented --------------------------
// (on the opcode and modifiers alone: the parser asks before it reads operands, and checks their count)

template <class T> struct Tag { using type = T; };

template <class Make> Handler by_integer(Type type, Make make) {
    switch (type) {
        case Type::b16: case Type::u16: return make(Tag<std::uint16_t>{});
        case Type::s16: return make(Tag<std::int16_t>{});
        case Type::b32: case Type::u32: return make(Tag<std::uint32_t>{});
        case Type::s32: return make(Tag<std::int32_t>{});
        case Type::b64: case Type::u64: return make(Tag<std::uint64_t>{});
        case Type::s64: return make(Tag<std::int64_t>{});
        default: return nullptr;
    }
}

template <class Make> Handler by_signed_or_unsigned(Type type, Make make) {
    switch (type) {
        case Type::b16: case Type::b32: case Type::b64: return nullptr;
        default: return by_integer(type, make);
    }
}

template <class Make> Handler by_float(Type type, Make make) {
    switch (type) {
        case Type::f32: return make(Tag<float>{});
        case Type::f64: return make(Tag<double>{});
        default: return nullptr;
    }
}

template <class Make> Handler by_number(Type type, Make make) {
    if (Handler handler = by_integer(type, make)) return handler;
    return by_float(type, make);
}

template <class Make> Handler by_value(Type type, Make make) {  // registers' types
    if (type == Type::pred) return make(Tag<Pred>{});
    return by_number(type, make);
}

template <class Make> Handler by_memory(Type type, Make make) {  // what ld and st move
    switch (type) {
        case Type::b8: case Type::u8: return make(Tag<std::uint8_t>{});
        case Type::s8: return make(Tag<std::int8_t>{});
        default: break;
    }
    if (Handler handler = by_integer(type, make)) return handler;
    return by_float(type, make);
}

template <class Make> Handler by_convertible(Type type, Make make) {  // cvt's types
    switch (type) {
        case Type::u8: return make(Tag<std::uint8_t>{});
        case Type::s8: return make(Tag<std::int8_t>{});
        case Type::b8: case Type::b16: case Type::b32: case Type::b64: return nullptr;
        default: return by_number(type, make);
    }
}

template <class Make> Handler by_space(Space space, Make make) {
    switch (space) {
        case Space::param: return make(std::integral_constant<Space, Space::param>{});
        case Space::global: return make(std::integral_constant<Space, Space::global>{});
        case Space::shared: return make(std::integral_constant<Space, Space::shared>{});
        case Space::local: return make(std::integral_constant<Space, Space::local>{});
        default: return nullptr;
    }
}

template <class Make> Handler by_compare(Compare compare, Make make) {
    switch (compare) {
#define FAKE_CUDA_COMPARE(c) \
    case Compare::c: return make(std::integral_constant<Compare, Compare::c>{});
        FAKE_CUDA_COMPARE(eq) FAKE_CUDA_COMPARE(ne) FAKE_CUDA_COMPARE(lt) FAKE_CUDA_COMPARE(le) FAKE_CUDA_COMPARE(gt)
        FAKE_CUDA_COMPARE(ge) FAKE_CUDA_COMPARE(lo) FAKE_CUDA_COMPARE(ls) FAKE_CUDA_COMPARE(hi) FAKE_CUDA_COMPARE(hs)
        FAKE_CUDA_COMPARE(equ) FAKE_CUDA_COMPARE(neu) FAKE_CUDA_COMPARE(ltu) FAKE_CUDA_COMPARE(leu) FAKE_CUDA_COMPARE(gtu)
        FAKE_CUDA_COMPARE(geu) FAKE_CUDA_COMPARE(num) FAKE_CUDA_COMPARE(nan)
#undef FAKE_CUDA_COMPARE
        default: return nullptr;
    }
}

template <class Make> Handler by_atomic(AtomicOp op, Make make) {
    switch (op) {
#define FAKE_CUDA_ATOMIC(a) \
    case AtomicOp::a: return make(std::integral_constant<AtomicOp, AtomicOp::a>{});
        FAKE_CUDA_ATOMIC(add) FAKE_CUDA_ATOMIC(min) FAKE_CUDA_ATOMIC(max) FAKE_CUDA_ATOMIC(exch) FAKE_CUDA_ATOMIC(cas)
        FAKE_CUDA_ATOMIC(and_) FAKE_CUDA_ATOMIC(or_) FAKE_CUDA_ATOMIC(xor_) FAKE_CUDA_ATOMIC(inc) FAKE_CUDA_ATOMIC(dec)
#undef FAKE_CUDA_ATOMIC
        default: return nullptr;
    }
}

bool is_float(Type type) { return type == Type::f32 || type == Type::f64; }
bool is_signed(Type type) { return type == Type::s8 || type == Type::s16 || type == Type::s32 || type == Type::s64; }
bool is_bits(Type type) { return type == Type::b16 || type == Type::b32 || type == Type::b64; }
bool ieee_rounding(Rounding r) { return r == Rounding::rn || r == Rounding::rz || r == Rounding::rm || r == Rounding::rp; }
bool integer_rounding(Rounding r) { return r == Rounding::rni || r == Rounding::rzi || r == Rounding::rmi || r == Rounding::rpi; }

// Modifiers an instruction may carry: .ftz only on f32, .sat only where the caller allows.
bool plain_modifiers(const Instruction& in, bool sat_allowed) {
    return (!in.ftz || in.type == Type::f32) && (!in.sat || sat_allowed) && !in.approx;
}

// add sub mul div fma mad sqrt rcp on floats: IEEE rounding (none means .rn for add sub mul).
template <class Op, int Arity> Handler float_rounded(const Instruction& in, bool rounding_required) {
    if (!plain_modifiers(in, in.type == Type::f32) || in.mul_mode != MulMode::none) return nullptr;
    if (!(ieee_rounding(in.rounding) || (!rounding_required && in.rounding == Rounding::none))) return nullptr;
    return by_float(in.type, [](auto tag) -> Handler { return &float_arithmetic<typename decltype(tag)::type, Op, Arity>; });
}

template <class Op> Handler integer_binary(const Instruction& in) {
    if (in.ftz || in.sat || in.approx || in.rounding != Rounding::none) return nullptr;
    return by_integer(in.type, [](auto tag) -> Handler { return &int_binary<typename decltype(tag)::type, Op>; });
}

template <class Op> Handler arithmetic_binary(const Instruction& in) {
    if (is_bits(in.type)) return nullptr;
    return integer_binary<Op>(in);
}

Handler select_mul(const Instruction& in, bool mad) {
    if (is_float(in.type)) {
        return mad ? float_rounded<Fma, 3>(in, true) : float_rounded<Mul, 2>(in, false);
    }
    if (is_bits(in.type) || in.ftz || in.sat || in.approx || in.rounding != Rounding::none) return nullptr;
    switch (in.mul_mode) {
        case MulMode::lo:
            return by_integer(in.type, [mad](auto tag) -> Handler {
                using T = typename decltype(tag)::type;
                return mad ? &int_mad<T, MulLo> : &int_binary<T, MulLo>;
            });
        case MulMode::hi:
            return by_integer(in.type, [mad](auto tag) -> Handler {
                using T = typename decltype(tag)::type;
                return mad ? &int_mad<T, MulHi> : &int_binary<T, MulHi>;
            });
        case MulMode::wide:
            if (in.type == Type::s64 || in.type == Type::u64) return nullptr;
            return by_integer(in.type, [mad](auto tag) -> Handler {
                using T = typename decltype(tag)::type;
                if constexpr (sizeof(T) < 8) {
                    return mad ? &mad_wide<T> : &mul_wide<T>;
                } else {
                    return nullptr;
                }
            });
        default: return nullptr;
    }
}

template <class Op> Handler select_add_sub(const Instruction& in) {
    if (is_float(in.type)) return float_rounded<std::conditional_t<std::is_same_v<Op, IntAdd>, Add, Sub>, 2>(in, false);
    return arithmetic_binary<Op>(in);
}

Handler select_min_max(const Instruction& in, bool max) {
    if (is_float(in.type)) {
        if (!plain_modifiers(in, false) || in.rounding != Rounding::none) return nullptr;
        return by_float(in.type, [max](auto tag) -> Handler {
            using T = typename decltype(tag)::type;
            return max ? &float_min_max<T, true> : &float_min_max<T, false>;
        });
    }
    return max ? arithmetic_binary<IntMax>(in) : arithmetic_binary<IntMin>(in);
}

Handler select_unary_sign(const Instruction& in, bool neg) {
    if (is_float(in.type)) {
        if (!plain_modifiers(in, false) || in.rounding != Rounding::none) return nullptr;
        return by_float(in.type, [neg](auto tag) -> Handler {
            using T = typename decltype(tag)::type;
            return neg ? &float_neg<T> : &float_abs<T>;
        });
    }
    if (!is_signed(in.type) || in.ftz || in.sat) return nullptr;
    return by_integer(in.type, [neg](auto tag) -> Handler {
        using T = typename decltype(tag)::type;
        return neg ? &int_neg<T> : &int_abs<T>;
    });
}

template <class Op> Handler select_logic(const Instruction& in, Handler on_predicates) {
    if (in.type == Type::pred) return on_predicates;
    if (!is_bits(in.type)) return nullptr;
    return integer_binary<Op>(in);
}

Handler select_shift(const Instruction& in, bool left) {
    if (in.ftz || in.sat || (left && !is_bits(in.type))) return nullptr;
    return by_integer(in.type, [left](auto tag) -> Handler {
        using T = typename decltype(tag)::type;
        return left ? &shift_left<T> : &shift_right<T>;
    });
}

Handler select_approximate(const Instruction& in) {
    if (in.type != Type::f32 || !in.approx || in.sat || in.rounding != Rounding::none) return nullptr;
    switch (in.op) {
        case Opcode::ex2: return &approximate<Function::ex2>;
        case Opcode::lg2: return &approximate<Function::lg2>;
        case Opcode::rcp: return &approximate<Function::rcp>;
        case Opcode::rsqrt: return &approximate<Function::rsqrt>;
        case Opcode::sin: return &approximate<Function::sin>;
        case Opcode::cos: return &approximate<Function::cos>;
        case Opcode::tanh: return in.ftz ? nullptr : &approximate<Function::tanh>;
        default: return nullptr;
    }
}

bool valid_conversion(const Instruction& in) {
    const Type to = in.type, from = in.source_type;
    if (in.approx || (in.ftz && to != Type::f32 && from != Type::f32)) return false;
    if (!is_float(to) && !is_float(from)) return in.rounding == Rounding::none && !in.sat && !in.ftz;
    if (!is_float(to)) return integer_rounding(in.rounding);
    if (!is_float(from)) return ieee_rounding(in.rounding);
    if (to == from) return in.rounding == Rounding::none || integer_rounding(in.rounding);
    if (to == Type::f64) return in.rounding == Rounding::none;  // f32 -> f64 is exact
    return ieee_rounding(in.rounding);
}

Handler select_convert(const Instruction& in) {
    if (!valid_conversion(in)) return nullptr;
    const Type from = in.source_type;
    return by_convertible(in.type, [from](auto to) -> Handler {
        return by_convertible(from, [](auto source) -> Handler {
            return &convert<typename decltype(to)::type, typename decltype(source)::type>;
        });
    });
}

Handler select_setp(const Instruction& in) {
    if (in.sat || in.approx || (in.ftz && in.type != Type::f32)) return nullptr;
    const bool float_type = is_float(in.type);
    const bool float_compare = in.compare >= Compare::equ;
    const bool unsigned_compare = in.compare >= Compare::lo && in.compare <= Compare::hs;
    if (float_compare && !float_type) return nullptr;
    if (unsigned_compare && (float_type || is_signed(in.type))) return nullptr;
    if (is_bits(in.type) && in.compare != Compare::eq && in.compare != Compare::ne) return nullptr;
    const Compare compare = in.compare;
    return by_number(in.type, [compare](auto tag) -> Handler {
        return by_compare(compare, [](auto c) -> Handler { return &set_predicate<typename decltype(tag)::type, decltype(c)::value>; });
    });
}

Handler select_memory(const Instruction& in) {
    const bool load_op = in.op == Opcode::ld;
    if (in.space == Space::param && !load_op) return nullptr;  // st.param: call sequences only
    if (in.non_coherent && (!load_op || in.space != Space::global)) return nullptr;
    const Type type = in.type;
    return by_space(in.space, [type, load_op](auto space) -> Handler {
        return by_memory(type, [load_op](auto tag) -> Handler {
            using T = typename decltype(tag)::type;
            return load_op ? &load<T, decltype(space)::value> : &store<T, decltype(space)::value>;
        });
    });
}

// The PTX ISA's atom/red types: add on u32 s32 u64 f32 f64; min max on 32/64-bit integers;
// and or xor cas exch on b32 b64; inc dec on u32.
bool valid_atomic_type(AtomicOp op, Type type) {
    switch (op) {
        case AtomicOp::add: return type == Type::u32 || type == Type::s32 || type == Type::u64 || type == Type::f32 || type == Type::f64;
        case AtomicOp::min: case AtomicOp::max:
            return type == Type::u32 || type == Type::s32 || type == Type::u64 || type == Type::s64;
        case AtomicOp::and_: case AtomicOp::or_: case AtomicOp::xor_: case AtomicOp::cas: case AtomicOp::exch:
            return type == Type::b32 || type == Type::b64;
        case AtomicOp::inc: case AtomicOp::dec: return type == Type::u32;
        default: return false;
    }
}

Handler select_atomic(const Instruction& in) {
    const bool returns_old = in.op == Opcode::atom;
    if (!valid_atomic_type(in.atomic, in.type) || (in.space != Space::global && in.space != Space::shared)) return nullptr;
    if (!returns_old && in.atomic == AtomicOp::cas) return nullptr;
    const Instruction* instruction = &in;
    return by_space(in.space, [instruction, returns_old](auto space) -> Handler {
        if constexpr (decltype(space)::value != Space::global && decltype(space)::value != Space::shared) {
            return nullptr;
        } else {
            return by_atomic(instruction->atomic, [instruction, returns_old](auto op) -> Handler {
                return by_memory(instruction->type, [returns_old](auto tag) -> Handler {
                    using T = typename decltype(tag)::type;
                    constexpr Space S = decltype(space)::value;
                    constexpr AtomicOp A = decltype(op)::value;
                    return returns_old ? &atomic<T, S, A, true> : &atomic<T, S, A, false>;
                });
            });
        }
    });
}

Handler select_handler(const Instruction& in) {
    switch (in.op) {
        case Opcode::add: return select_add_sub<IntAdd>(in);
        case Opcode::sub: return select_add_sub<IntSub>(in);
        case Opcode::mul: return select_mul(in, false);
        case Opcode::mad: return select_mul(in, true);
        case Opcode::fma: return is_float(in.type) ? float_rounded<Fma, 3>(in, true) : nullptr;
        case Opcode::div:
            if (is_float(in.type)) return float_rounded<Div, 2>(in, true);
            return arithmetic_binary<IntDiv>(in);
        case Opcode::rem: return arithmetic_binary<IntRem>(in);
        case Opcode::neg: return select_unary_sign(in, true);
        case Opcode::abs: return select_unary_sign(in, false);
        case Opcode::min: return select_min_max(in, false);
        case Opcode::max: return select_min_max(in, true);
        case Opcode::copysign:
            if (!plain_modifiers(in, false) || in.ftz || in.rounding != Rounding::none) return nullptr;
            return by_float(in.type, [](auto tag) -> Handler { return &float_copysign<typename decltype(tag)::type>; });
        case Opcode::shl: return select_shift(in, true);
        case Opcode::shr: return select_shift(in, false);
        case Opcode::and_: return select_logic<And>(in, &predicate_and);
        case Opcode::or_: return select_logic<Or>(in, &predicate_or);
        case Opcode::xor_: return select_logic<Xor>(in, &predicate_xor);
        case Opcode::not_:
            if (in.type == Type::pred) return &bitwise_not<Pred>;
            if (!is_bits(in.type)) return nullptr;
            return by_integer(in.type, [](auto tag) -> Handler { return &bitwise_not<typename decltype(tag)::type>; });
        case Opcode::bfi:
            if (in.type != Type::b32 && in.type != Type::b64) return nullptr;
            return by_integer(in.type, [](auto tag) -> Handler { return &bit_field_insert<typename decltype(tag)::type>; });
        case Opcode::sqrt: return in.approx ? nullptr : float_rounded<Sqrt, 1>(in, true);
        case Opcode::rcp: return in.approx ? select_approximate(in) : float_rounded<Rcp, 1>(in, true);
        case Opcode::ex2: case Opcode::lg2: case Opcode::rsqrt: case Opcode::sin: case Opcode::cos: case Opcode::tanh:
            return select_approximate(in);
        case Opcode::cvt: return select_convert(in);
        case Opcode::cvta:
            return in.to && in.space == Space::global && in.type == Type::u64 ? &move<std::uint64_t> : nullptr;
        case Opcode::setp: return select_setp(in);
        case Opcode::selp:
            if (in.type == Type::pred) return nullptr;
            return by_value(in.type, [](auto tag) -> Handler { return &select_value<typename decltype(tag)::type>; });
        case Opcode::mov: return by_value(in.type, [](auto tag) -> Handler { return &move<typename decltype(tag)::type>; });
        case Opcode::ld: case Opcode::st: return select_memory(in);
        case Opcode::atom: case Opcode::red: return select_atomic(in);
        case Opcode::bar: return &barrier;
        case Opcode::membar: return &nothing;
        case Opcode::bra: return &branch;
        case Opcode::ret: case Opcode::exit: return &finish;
    }
    return nullptr;
}

// ---- running ---------------------------------------------------------------------------------

// Runs the current thread from m.pc until it exits, reaches a barrier or faults.
void run_thread(Machine& m, const std::vector<Handler>& handlers, const std::vector<Instruction>& code) {
    m.stop = Stop::none;
    const std::uint32_t end = static_cast<std::uint32_t>(code.size());
    while (m.stop == Stop::none) {
        const std::uint32_t pc = m.pc++;
        if (pc >= end) {
            m.stop = Stop::exited;
            break;
        }
        const Instruction& in = code[pc];
        if (in.guard >= 0 && (m.regs[in.guard] != 0) == in.guard_negated) continue;
        handlers[pc](m, in);
    }
}

struct ThreadState {
    std::uint32_t pc = 0;
    bool exited = false;
};

class Launch {
public:
    Launch(Machine& machine, const LaunchShape& shape, const std::vector<Handler>& handlers)
        : m_(machine), shape_(shape), handlers_(handlers), threads_(shape.block[0] * shape.block[1] * shape.block[2]),
          resident_(machine.entry.has_barrier ? threads_ : 1),  // without barriers one thread at a time
          registers_(std::size_t(resident_) * machine.entry.registers), local_(std::size_t(resident_) * machine.entry.local_bytes),
          states_(resident_) {
        auto set = [&](Special which, std::uint64_t value) { m_.special[static_cast<std::size_t>(which)] = value; };
        set(Special::ntid_x, shape.block[0]);
        set(Special::ntid_y, shape.block[1]);
        set(Special::ntid_z, shape.block[2]);
        set(Special::nctaid_x, shape.grid[0]);
        set(Special::nctaid_y, shape.grid[1]);
        set(Special::nctaid_z, shape.grid[2]);
    }

    bool run_block(unsigned int linear_block) {
        set(Special::ctaid_x, linear_block % shape_.grid[0]);
        set(Special::ctaid_y, linear_block / shape_.grid[0] % shape_.grid[1]);
        set(Special::ctaid_z, linear_block / shape_.grid[0] / shape_.grid[1]);
        std::fill(m_.shared.begin(), m_.shared.end(), 0);
        std::fill(registers_.begin(), registers_.end(), 0);
        std::fill(local_.begin(), local_.end(), 0);
        return m_.entry.has_barrier ? run_in_steps() : run_one_by_one();
    }

private:
    void set(Special which, std::uint64_t value) { m_.special[static_cast<std::size_t>(which)] = value; }

    // Makes thread `thread` (linear, x fastest) current, its state in resident slot `slot`.
    void enter(unsigned int thread, unsigned int slot) {
        set(Special::tid_x, thread % shape_.block[0]);
        set(Special::tid_y, thread / shape_.block[0] % shape_.block[1]);
        set(Special::tid_z, thread / shape_.block[0] / shape_.block[1]);
        m_.regs = registers_.data() + std::size_t(slot) * m_.entry.registers;
        m_.local = local_.data() + std::size_t(slot) * m_.entry.local_bytes;
        m_.pc = states_[slot].pc;
    }

    bool run_one_by_one() {
        for (unsigned int thread = 0; thread < threads_; ++thread) {
            if (thread > 0) {
                std::fill(registers_.begin(), registers_.end(), 0);
                std::fill(local_.begin(), local_.end(), 0);
            }
            states_[0].pc = 0;
            enter(thread, 0);
            run_thread(m_, handlers_, m_.entry.code);
            if (m_.stop == Stop::fault) return false;
        }
        return true;
    }

    // Every thread runs to the next bar.sync (or its end); then all go on; exited ones count as arrived.
    bool run_in_steps() {
        for (ThreadState& state : states_) state = ThreadState{};
        for (bool running = true; running;) {
            running = false;
            for (unsigned int thread = 0; thread < threads_; ++thread) {
                ThreadState& state = states_[thread];
                if (state.exited) continue;
                enter(thread, thread);
                run_thread(m_, handlers_, m_.entry.code);
                if (m_.stop == Stop::fault) return false;
                state.pc = m_.pc;
                state.exited = m_.stop == Stop::exited;
                running = running || !state.exited;
            }
        }
        return true;
    }

    Machine& m_;
    const LaunchShape& shape_;
    const std::vector<Handler>& handlers_;
    unsigned int threads_, resident_;
    std::vector<std::uint64_t> registers_;
    std::vector<unsigned char> local_;
    std::vector<ThreadState> states_;
};

}  // namespace

bool implemented(const Instruction& instruction) { return select_handler(instruction) != nullptr; }

std::optional<Fault> execute(const Program& program, const Entry& entry, const LaunchShape& shape,
                             const unsigned char* parameters, const std::vector<unsigned int>& block_order,
                             Approximation approximation, DeviceMemoryCheck is_device_memory) {
    std::vector<Handler> handlers(entry.code.size());
    for (std::size_t i = 0; i < entry.code.size(); ++i) {
        handlers[i] = select_handler(entry.code[i]);
        if (handlers[i] == nullptr) {
            return Fault{CUDA_ERROR_NOT_SUPPORTED, entry.name + ": line " + std::to_string(entry.code[i].line) + " `" +
                                                       entry.code[i].opcode + "`: not implemented by the PTX interpreter"};
        }
    }
    Machine machine(program, entry, parameters, approximation, is_device_memory);
    machine.shared.resize(program.shared_bytes + shape.dynamic_shared_bytes);
    Launch launch(machine, shape, handlers);
    for (unsigned int block : block_order) {
        if (!launch.run_block(block)) return machine.fault;
    }
    return std::nullopt;
}

}  // namespace fake_cuda::ptx
