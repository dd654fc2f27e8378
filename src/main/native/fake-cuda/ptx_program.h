// A PTX module decoded for the interpreter (ptx_parser.cpp writes it, ptx_executor.cpp runs it):
// each entry's instructions with their operands resolved to register indices, immediates' bits
// and addresses in a state space, its labels to instruction indices. Registers of every type
// live in one 64-bit slot each per thread (a .f32 in the low 32 bits, a .pred as 0 or 1).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fake_cuda::ptx {

enum class Type : std::uint8_t {
    none, pred, b8, b16, b32, b64, u8, u16, u32, u64, s8, s16, s32, s64, f16, f32, f64
};

// Bytes of a value of the type (a .pred: 0).
std::size_t type_bytes(Type type);

// The state space of ld, st, atom, red and cvta (cvta.to.global: global, `to` set).
enum class Space : std::uint8_t { none, param, global, shared, local, generic };

// Rounding modifiers: IEEE (.rn .rz .rm .rp) and to an integer (.rni .rzi .rmi .rpi).
enum class Rounding : std::uint8_t { none, rn, rz, rm, rp, rni, rzi, rmi, rpi };

// setp's comparisons; the ...u forms are true when either operand is NaN.
enum class Compare : std::uint8_t {
    none, eq, ne, lt, le, gt, ge, lo, ls, hi, hs, equ, neu, ltu, leu, gtu, geu, num, nan
};

enum class Opcode : std::uint8_t {
    add, sub, mul, mad, fma, div, rem, neg, abs, min, max, copysign,
    shl, shr, and_, or_, xor_, not_, bfi,
    sqrt, ex2, lg2, rcp, rsqrt, sin, cos, tanh,
    cvt, cvta, setp, selp, mov,
    ld, st, atom, red,
    bar, membar, bra, ret, exit
};

// The part of the product mul and mad keep: .lo, .hi or .wide (none for floating point).
enum class MulMode : std::uint8_t { none, lo, hi, wide };

// atom's and red's operation (.add ...).
enum class AtomicOp : std::uint8_t { none, add, min, max, exch, cas, and_, or_, xor_, inc, dec };

// The special registers a kernel may read (mov.u32 %r, %tid.x).
enum class Special : std::uint8_t {
    tid_x, tid_y, tid_z, ntid_x, ntid_y, ntid_z, ctaid_x, ctaid_y, ctaid_z, nctaid_x, nctaid_y, nctaid_z
};

struct Operand {
    enum class Kind : std::uint8_t { none, reg, imm, special, address };
    Kind kind = Kind::none;
    bool has_base = false;   // address: [%reg + offset]; otherwise [offset] (a symbol, resolved)
    std::uint32_t reg = 0;   // reg: the register's slot; address: the base register's slot
    // imm: the value's bits as the instruction reads them (an integer sign-extended to 64 bits,
    // 0f... a float's 32 bits, 0d... a double's 64); address: the offset, symbols resolved (a
    // parameter: its offset in the parameter buffer; a .shared or .local variable: its offset in
    // the block's shared or the thread's local window; a .global variable: its host address);
    // special: a Special.
    std::uint64_t bits = 0;
};

struct Instruction {
    Opcode op;
    Type type = Type::none;         // the operation's type: add.s32 -> s32; cvt.rn.f32.s32 -> f32; setp.lt.f32 -> f32
    Type source_type = Type::none;  // cvt: the source's type (s32 in cvt.rn.f32.s32)
    Rounding rounding = Rounding::none;
    Compare compare = Compare::none;  // setp
    Space space = Space::none;        // ld, st, atom, red, cvta
    MulMode mul_mode = MulMode::none;
    AtomicOp atomic = AtomicOp::none;
    bool ftz = false, sat = false, approx = false;
    bool to = false;           // cvta.to.<space> (generic -> space); false: cvta.<space> (space -> generic)
    bool non_coherent = false; // ld.global.nc
    bool is_volatile = false;  // ld.volatile, st.volatile
    std::int32_t guard = -1;   // the slot of the predicate guarding it (@%p, @!%p), -1 when unguarded
    bool guard_negated = false;
    std::uint8_t operand_count = 0;
    std::array<Operand, 5> operands{};  // as written: destination first (st: the address first)
    std::uint32_t target = 0;           // bra: the index of the instruction its label marks
    int line = 0;                       // in the PTX text, from 1
    std::string opcode;                 // as written ("fma.rn.f32"), for messages
};

struct Entry {
    std::string name;
    std::vector<std::size_t> parameter_offsets;  // in the parameter buffer, each aligned to its size
    std::size_t parameter_bytes = 0;
    std::uint32_t registers = 0;  // slots per thread
    std::size_t local_bytes = 0;  // per thread, its .local declarations
    bool has_barrier = false;     // holds a bar.sync
    std::vector<Instruction> code;
};

// A module-scope .global variable: storage the module owns, initialised from the text.
struct GlobalVariable {
    std::string name;
    std::unique_ptr<std::uint64_t[]> storage;  // 8-aligned, zero beyond the initialiser
    std::size_t bytes = 0;
};

struct Program {
    std::vector<Entry> entries;
    std::size_t shared_bytes = 0;  // every static .shared variable of the module, laid out once
    std::vector<GlobalVariable> globals;

    const Entry* find_entry(const std::string& name) const;
    // The module's .global variable that [address, address + bytes) lies inside, or null.
    const GlobalVariable* global_variable_at(std::uint64_t address, std::size_t bytes) const;
};

}  // namespace fake_cuda::ptx
