// The PTX reader of the interpreter (ptx_parser.h): statements split at ';', '{' and '}' (line
// directives such as .loc taken out first), labels peeled off, module-scope variables laid out,
// each entry's registers given slots and its instructions decoded.
#include "ptx_parser.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "ptx_executor.h"

namespace fake_cuda::ptx {

namespace {

// A parse failure: the text's line and what is wrong; `unsupported` when the PTX is well formed
// but uses something the interpreter does not implement.
struct ParseError : std::runtime_error {
    ParseError(int line, const std::string& what, bool unsupported = false)
        : std::runtime_error("line " + std::to_string(line) + ": " + what), unsupported(unsupported) {}
    bool unsupported;
};

struct Statement {
    std::string text;  // trimmed, without its terminator
    char end;          // ';', '{', '}' or '\0' (the text's end)
    int line;          // of its first character
};

std::string trim(const std::string& text) {
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return "";
    }
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool starts_with(const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
}

// The text without comments, and without the directives that end at the line's end rather than
// at a ';' (.version, .target, .address_size, .file, .loc: ptx_module.cpp checks the first two).
std::string without_line_directives(const std::string& text) {
    std::istringstream in(text);
    std::string kept, line;
    bool in_block_comment = false;
    while (std::getline(in, line)) {
        std::string code;
        for (std::size_t i = 0; i < line.size(); i++) {
            if (in_block_comment) {
                if (line.compare(i, 2, "*/") == 0) {
                    in_block_comment = false;
                    i++;
                }
            } else if (line.compare(i, 2, "/*") == 0) {
                in_block_comment = true;
                i++;
            } else if (line.compare(i, 2, "//") == 0) {
                break;
            } else {
                code += line[i];
            }
        }
        std::string directive = trim(code);
        directive = directive.substr(0, directive.find_first_of(" \t"));
        for (const char* skipped : {".version", ".target", ".address_size", ".file", ".loc"}) {
            if (directive == skipped) {
                code.clear();
            }
        }
        kept += code + '\n';  // one output line per input line keeps the line numbers
    }
    return kept;
}

// The statements of the text; an initialiser's braces (= {1, 2}) stay inside its statement.
std::vector<Statement> split_statements(const std::string& text) {
    std::vector<Statement> statements;
    std::string current;
    int line = 1, start_line = 1;
    int initializer_depth = 0;
    for (char c : text) {
        if (c == '{' && current.find('=') != std::string::npos) {
            initializer_depth++;
        }
        if (initializer_depth > 0 || (c != ';' && c != '{' && c != '}')) {
            if (initializer_depth > 0 && c == '}') {
                initializer_depth--;
            }
            if (trim(current).empty() && !std::isspace(static_cast<unsigned char>(c))) {
                start_line = line;
            }
            current += c;
        } else {
            statements.push_back({trim(current), c, start_line});
            current.clear();
        }
        if (c == '\n') {
            line++;
        }
    }
    if (!trim(current).empty()) {
        statements.push_back({trim(current), '\0', start_line});
    }
    return statements;
}

const std::map<std::string, Type>& type_names() {
    static const std::map<std::string, Type> names = {
        {"pred", Type::pred}, {"b8", Type::b8},   {"b16", Type::b16}, {"b32", Type::b32}, {"b64", Type::b64},
        {"u8", Type::u8},     {"u16", Type::u16}, {"u32", Type::u32}, {"u64", Type::u64}, {"s8", Type::s8},
        {"s16", Type::s16},   {"s32", Type::s32}, {"s64", Type::s64}, {"f16", Type::f16}, {"f32", Type::f32},
        {"f64", Type::f64},
    };
    return names;
}

const std::map<std::string, Opcode>& opcode_names() {
    static const std::map<std::string, Opcode> names = {
        {"add", Opcode::add},     {"sub", Opcode::sub},     {"mul", Opcode::mul},     {"mad", Opcode::mad},
        {"fma", Opcode::fma},     {"div", Opcode::div},     {"rem", Opcode::rem},     {"neg", Opcode::neg},
        {"abs", Opcode::abs},     {"min", Opcode::min},     {"max", Opcode::max},     {"copysign", Opcode::copysign},
        {"shl", Opcode::shl},     {"shr", Opcode::shr},     {"and", Opcode::and_},    {"or", Opcode::or_},
        {"xor", Opcode::xor_},    {"not", Opcode::not_},    {"bfi", Opcode::bfi},     {"sqrt", Opcode::sqrt},
        {"ex2", Opcode::ex2},     {"lg2", Opcode::lg2},     {"rcp", Opcode::rcp},     {"rsqrt", Opcode::rsqrt},
        {"sin", Opcode::sin},     {"cos", Opcode::cos},     {"tanh", Opcode::tanh},   {"cvt", Opcode::cvt},
        {"cvta", Opcode::cvta},   {"setp", Opcode::setp},   {"selp", Opcode::selp},   {"mov", Opcode::mov},
        {"ld", Opcode::ld},       {"st", Opcode::st},       {"atom", Opcode::atom},   {"red", Opcode::red},
        {"bar", Opcode::bar},     {"membar", Opcode::membar}, {"bra", Opcode::bra},   {"ret", Opcode::ret},
        {"exit", Opcode::exit},
    };
    return names;
}

const std::map<std::string, Rounding>& rounding_names() {
    static const std::map<std::string, Rounding> names = {
        {"rn", Rounding::rn},   {"rz", Rounding::rz},   {"rm", Rounding::rm},   {"rp", Rounding::rp},
        {"rni", Rounding::rni}, {"rzi", Rounding::rzi}, {"rmi", Rounding::rmi}, {"rpi", Rounding::rpi},
    };
    return names;
}

const std::map<std::string, Compare>& compare_names() {
    static const std::map<std::string, Compare> names = {
        {"eq", Compare::eq},   {"ne", Compare::ne},   {"lt", Compare::lt},   {"le", Compare::le},
        {"gt", Compare::gt},   {"ge", Compare::ge},   {"lo", Compare::lo},   {"ls", Compare::ls},
        {"hi", Compare::hi},   {"hs", Compare::hs},   {"equ", Compare::equ}, {"neu", Compare::neu},
        {"ltu", Compare::ltu}, {"leu", Compare::leu}, {"gtu", Compare::gtu}, {"geu", Compare::geu},
        {"num", Compare::num}, {"nan", Compare::nan},
    };
    return names;
}

const std::map<std::string, Space>& space_names() {
    static const std::map<std::string, Space> names = {
        {"param", Space::param}, {"global", Space::global}, {"shared", Space::shared}, {"local", Space::local},
    };
    return names;
}

const std::map<std::string, AtomicOp>& atomic_names() {
    static const std::map<std::string, AtomicOp> names = {
        {"add", AtomicOp::add}, {"min", AtomicOp::min},   {"max", AtomicOp::max}, {"exch", AtomicOp::exch},
        {"cas", AtomicOp::cas}, {"and", AtomicOp::and_},  {"or", AtomicOp::or_},  {"xor", AtomicOp::xor_},
        {"inc", AtomicOp::inc}, {"dec", AtomicOp::dec},
    };
    return names;
}

const std::map<std::string, Special>& special_names() {
    static const std::map<std::string, Special> names = {
        {"%tid.x", Special::tid_x},       {"%tid.y", Special::tid_y},       {"%tid.z", Special::tid_z},
        {"%ntid.x", Special::ntid_x},     {"%ntid.y", Special::ntid_y},     {"%ntid.z", Special::ntid_z},
        {"%ctaid.x", Special::ctaid_x},   {"%ctaid.y", Special::ctaid_y},   {"%ctaid.z", Special::ctaid_z},
        {"%nctaid.x", Special::nctaid_x}, {"%nctaid.y", Special::nctaid_y}, {"%nctaid.z", Special::nctaid_z},
    };
    return names;
}

template <class T>
bool lookup(const std::map<std::string, T>& names, const std::string& key, T* value) {
    auto it = names.find(key);
    if (it == names.end()) {
        return false;
    }
    *value = it->second;
    return true;
}

// One modifier of an opcode (the parts after the first '.'), into the instruction's fields.
bool apply_modifier(const std::string& part, Instruction* instruction) {
    Instruction& in = *instruction;
    Type type;
    Rounding rounding;
    Space space;
    if (in.op == Opcode::setp && in.compare == Compare::none && lookup(compare_names(), part, &in.compare)) {
        return true;
    }
    if ((in.op == Opcode::atom || in.op == Opcode::red) && in.atomic == AtomicOp::none && in.type == Type::none
            && lookup(atomic_names(), part, &in.atomic)) {
        return true;
    }
    if (lookup(type_names(), part, &type)) {
        if (in.type == Type::none) {
            in.type = type;
        } else if (in.op == Opcode::cvt && in.source_type == Type::none) {
            in.source_type = type;
        } else {
            return false;
        }
        return true;
    }
    if (lookup(rounding_names(), part, &rounding) && in.rounding == Rounding::none) {
        in.rounding = rounding;
        return true;
    }
    if (lookup(space_names(), part, &space) && in.space == Space::none) {
        in.space = space;
        return true;
    }
    if ((in.op == Opcode::mul || in.op == Opcode::mad) && in.mul_mode == MulMode::none
            && (part == "lo" || part == "hi" || part == "wide")) {
        in.mul_mode = part == "lo" ? MulMode::lo : part == "hi" ? MulMode::hi : MulMode::wide;
        return true;
    }
    bool* flag = part == "ftz"                              ? &in.ftz
                 : part == "sat"                            ? &in.sat
                 : part == "approx"                         ? &in.approx
                 : part == "to" && in.op == Opcode::cvta    ? &in.to
                 : part == "nc" && in.op == Opcode::ld      ? &in.non_coherent
                 : part == "volatile"                       ? &in.is_volatile
                 : nullptr;
    if (flag != nullptr && !*flag) {
        *flag = true;
        return true;
    }
    // modifiers that change nothing here: bra.uni (all threads take the same branch), bar.sync's
    // .sync, membar's scope (threads run one at a time, every store is seen at once)
    return (in.op == Opcode::bra && part == "uni") || (in.op == Opcode::bar && part == "sync")
           || (in.op == Opcode::membar && (part == "gl" || part == "cta" || part == "sys"));
}

// The number of operands each opcode takes.
int operand_count(const Instruction& in) {
    switch (in.op) {
        case Opcode::mad: case Opcode::fma: case Opcode::selp: return 4;
        case Opcode::bfi: return 5;
        case Opcode::atom: return in.atomic == AtomicOp::cas ? 4 : 3;
        case Opcode::neg: case Opcode::abs: case Opcode::not_: case Opcode::sqrt: case Opcode::ex2:
        case Opcode::lg2: case Opcode::rcp: case Opcode::rsqrt: case Opcode::sin: case Opcode::cos:
        case Opcode::tanh: case Opcode::cvt: case Opcode::cvta: case Opcode::mov: case Opcode::ld:
        case Opcode::st: case Opcode::red: return 2;
        case Opcode::bar: case Opcode::bra: return 1;
        case Opcode::membar: case Opcode::ret: case Opcode::exit: return 0;
        default: return 3;
    }
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, separator)) {
        parts.push_back(part);
    }
    return parts;
}

// The state of one entry's parse: its register slots, local variables and labels.
struct EntryScope {
    std::map<std::string, std::uint32_t> registers;
    std::map<std::string, std::size_t> locals;        // offset in the thread's local window
    std::map<std::string, std::uint32_t> labels;      // -> instruction index
    std::vector<std::pair<std::size_t, std::string>> branches;  // instruction index, label
};

// Module-scope symbols: variables in their state spaces and the entries' parameters.
struct ModuleScope {
    std::map<std::string, std::size_t> shared;        // offset in the block's shared window
    std::map<std::string, std::uint64_t> globals;     // host address
    std::map<std::string, std::size_t> parameters;    // offset in the current entry's buffer
};

std::size_t align_up(std::size_t value, std::size_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

// A variable declaration: `.space [.align N] .type name[count] [= {...}]`.
struct Declaration {
    std::size_t alignment, element_bytes, count;
    Type type;
    std::string name;
    std::vector<std::string> initializer;
};

Declaration parse_declaration(const Statement& statement) {
    static const std::regex form(
            R"(^\.(\w+)\s+(?:\.align\s+(\d+)\s+)?\.(\w+)\s+([A-Za-z_$%][\w$]*)\s*(?:\[(\d+)\])?\s*(?:=\s*\{([^}]*)\})?$)");
    std::smatch match;
    Type type;
    if (!std::regex_match(statement.text, match, form) || !lookup(type_names(), match[3].str(), &type)
            || type == Type::pred) {
        throw ParseError(statement.line, "cannot read the declaration `" + statement.text + "`");
    }
    Declaration declaration{0, type_bytes(type), match[5].matched ? std::stoul(match[5]) : 1, type, match[4], {}};
    declaration.alignment = match[2].matched ? std::stoul(match[2]) : declaration.element_bytes;
    if (match[6].matched) {
        for (const std::string& value : split(match[6], ',')) {
            declaration.initializer.push_back(trim(value));
        }
    }
    return declaration;
}

void declare_registers(const Statement& statement, EntryScope* scope) {
    static const std::regex range(R"(^(%[A-Za-z_$][\w$]*)<(\d+)>$)");
    // `.reg .type %r<N>` (names %r0 .. %r{N-1}) or `.reg .type %a, %b`
    std::string list = trim(statement.text.substr(statement.text.find('.', 1)));
    list = trim(list.substr(list.find_first_of(" \t")));
    for (const std::string& item : split(list, ',')) {
        std::string name = trim(item);
        std::smatch match;
        if (std::regex_match(name, match, range)) {
            for (unsigned long i = 0; i < std::stoul(match[2]); i++) {
                scope->registers.emplace(match[1].str() + std::to_string(i), scope->registers.size());
            }
        } else if (!name.empty() && name[0] == '%') {
            scope->registers.emplace(name, scope->registers.size());
        } else {
            throw ParseError(statement.line, "cannot read the registers of `" + statement.text + "`");
        }
    }
}

// An integer literal (decimal, 0x hex, optionally negative) as 64 bits, or false.
bool parse_integer(const std::string& text, std::uint64_t* bits) {
    static const std::regex integer(R"(^-?(0[xX][0-9a-fA-F]+|\d+)U?$)");
    if (!std::regex_match(text, integer)) {
        return false;
    }
    bool negative = text[0] == '-';
    std::uint64_t magnitude = std::stoull(text.substr(negative ? 1 : 0), nullptr, 0);
    *bits = negative ? ~magnitude + 1 : magnitude;
    return true;
}

// An immediate as the operand's type reads it: 0fXXXXXXXX, 0dXXXXXXXXXXXXXXXX, or an integer
// (converted to a float's bits where the operand is a float).
bool parse_immediate(const std::string& text, Type type, std::uint64_t* bits) {
    if (text.size() == 10 && (starts_with(text, "0f") || starts_with(text, "0F"))) {
        *bits = std::stoull(text.substr(2), nullptr, 16);
        return true;
    }
    if (text.size() == 18 && (starts_with(text, "0d") || starts_with(text, "0D"))) {
        *bits = std::stoull(text.substr(2), nullptr, 16);
        return true;
    }
    if (!parse_integer(text, bits)) {
        return false;
    }
    if (type == Type::f32) {
        float value = static_cast<float>(static_cast<std::int64_t>(*bits));
        std::uint32_t word;
        std::memcpy(&word, &value, sizeof word);
        *bits = word;
    } else if (type == Type::f64) {
        double value = static_cast<double>(static_cast<std::int64_t>(*bits));
        std::memcpy(bits, &value, sizeof value);
    }
    return true;
}

// The address a symbol stands for in its state space, or false when it names no variable.
bool symbol_address(const std::string& name, const EntryScope& entry, const ModuleScope& module, std::uint64_t* address) {
    if (auto it = entry.locals.find(name); it != entry.locals.end()) {
        *address = it->second;
    } else if (auto it = module.shared.find(name); it != module.shared.end()) {
        *address = it->second;
    } else if (auto it = module.globals.find(name); it != module.globals.end()) {
        *address = it->second;
    } else if (auto it = module.parameters.find(name); it != module.parameters.end()) {
        *address = it->second;
    } else {
        return false;
    }
    return true;
}

// `[%rd1]`, `[%rd1+8]`, `[%rd1+-4]`, `[symbol]`, `[symbol+4]`.
Operand parse_address(const std::string& inside, int line, const EntryScope& entry, const ModuleScope& module) {
    Operand operand;
    operand.kind = Operand::Kind::address;
    std::string base = trim(inside), offset;
    if (std::size_t plus = base.find('+'); plus != std::string::npos) {
        offset = trim(base.substr(plus + 1));
        base = trim(base.substr(0, plus));
    }
    if (!offset.empty() && !parse_integer(offset, &operand.bits)) {
        throw ParseError(line, "cannot read the address offset in [" + inside + "]");
    }
    std::uint64_t symbol = 0;
    if (auto it = entry.registers.find(base); it != entry.registers.end()) {
        operand.has_base = true;
        operand.reg = it->second;
    } else if (symbol_address(base, entry, module, &symbol)) {
        operand.bits += symbol;
    } else if (!parse_integer(base, &symbol)) {
        throw ParseError(line, "unknown register or symbol `" + base + "` in [" + inside + "]");
    } else {
        operand.bits += symbol;
    }
    return operand;
}

Operand parse_operand(const std::string& text, Type type, int line, const EntryScope& entry, const ModuleScope& module) {
    Operand operand;
    Special special;
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        return parse_address(text.substr(1, text.size() - 2), line, entry, module);
    }
    if (auto it = entry.registers.find(text); it != entry.registers.end()) {
        operand.kind = Operand::Kind::reg;
        operand.reg = it->second;
    } else if (lookup(special_names(), text, &special)) {
        operand.kind = Operand::Kind::special;
        operand.bits = static_cast<std::uint64_t>(special);
    } else if (parse_immediate(text, type, &operand.bits) || symbol_address(text, entry, module, &operand.bits)) {
        operand.kind = Operand::Kind::imm;
    } else if (text.empty() || text[0] == '%' || text[0] == '{' || text[0] == '!') {
        throw ParseError(line, "cannot read the operand `" + text + "`", text.size() > 1 && text[0] == '%');
    } else {
        throw ParseError(line, "unknown symbol `" + text + "`");
    }
    return operand;
}

// The type an operand of the instruction is read as (cvt's source; setp's and selp's predicate).
Type operand_type(const Instruction& in, int index) {
    if (in.op == Opcode::cvt && index == 1) {
        return in.source_type;
    }
    if ((in.op == Opcode::setp && index == 0) || (in.op == Opcode::selp && index == 3)) {
        return Type::pred;
    }
    if ((in.op == Opcode::shl || in.op == Opcode::shr) && index == 2) {
        return Type::u32;
    }
    return in.type;
}

Instruction parse_instruction(const Statement& statement, const EntryScope& entry, const ModuleScope& module,
                              std::vector<std::pair<std::size_t, std::string>>* branch_labels, std::size_t index) {
    static const std::regex guarded(R"(^@(!?)(%[\w$]+)\s+(.*)$)");
    std::string text = statement.text;
    std::smatch match;
    std::int32_t guard = -1;
    bool negated = false;
    if (std::regex_match(text, match, guarded)) {
        auto it = entry.registers.find(match[2]);
        if (it == entry.registers.end()) {
            throw ParseError(statement.line, "unknown predicate `" + match[2].str() + "`");
        }
        guard = static_cast<std::int32_t>(it->second);
        negated = match[1].length() == 1;
        text = match[3];
    }
    std::size_t space = text.find_first_of(" \t");
    std::string opcode = text.substr(0, space);
    std::optional<Instruction> decoded = decode_opcode(opcode);
    if (!decoded || !implemented(*decoded)) {
        throw ParseError(statement.line, "`" + opcode + "`: an instruction the PTX interpreter does not implement", true);
    }
    Instruction in = *decoded;
    in.guard = guard;
    in.guard_negated = negated;
    in.line = statement.line;
    std::vector<std::string> operands;
    if (space != std::string::npos && !trim(text.substr(space)).empty()) {
        for (const std::string& part : split(text.substr(space), ',')) {
            operands.push_back(trim(part));
        }
    }
    if (static_cast<int>(operands.size()) != operand_count(in)) {
        throw ParseError(statement.line, "`" + opcode + "` takes " + std::to_string(operand_count(in))
                                                 + " operands, not " + std::to_string(operands.size()));
    }
    in.operand_count = static_cast<std::uint8_t>(operands.size());
    for (std::size_t i = 0; i < operands.size(); i++) {
        if (in.op == Opcode::bra) {
            branch_labels->emplace_back(index, operands[i]);
        } else {
            in.operands[i] = parse_operand(operands[i], operand_type(in, static_cast<int>(i)), statement.line, entry, module);
        }
    }
    return in;
}

// `.visible .entry name(.param .u64 a, .param .u32 b)`: the entry, its parameters laid out.
Entry parse_entry_header(const Statement& statement, ModuleScope* module) {
    static const std::regex header(R"(\.entry\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\))");
    static const std::regex parameter(R"(^\.param\s+\.(\w+)\s+([A-Za-z_$][\w$]*)$)");
    std::smatch match;
    if (!std::regex_search(statement.text, match, header)) {
        throw ParseError(statement.line, "cannot read the entry `" + statement.text + "`");
    }
    Entry entry;
    entry.name = match[1];
    module->parameters.clear();
    std::string list = match[2];
    for (const std::string& item : split(list, ',')) {
        std::smatch p;
        Type type;
        std::string declaration = trim(item);
        if (declaration.empty()) {
            continue;
        }
        if (!std::regex_match(declaration, p, parameter) || !lookup(type_names(), p[1].str(), &type) || type == Type::pred) {
            throw ParseError(statement.line, entry.name + ": cannot read the parameter `" + declaration + "`", true);
        }
        std::size_t bytes = type_bytes(type);
        std::size_t offset = align_up(entry.parameter_bytes, bytes);
        entry.parameter_offsets.push_back(offset);
        module->parameters[p[2]] = offset;
        entry.parameter_bytes = offset + bytes;
    }
    return entry;
}

// A module-scope .global variable's storage, filled from its initialiser.
void declare_global(const Statement& statement, Program* program, ModuleScope* module) {
    Declaration declaration = parse_declaration(statement);
    GlobalVariable variable;
    variable.name = declaration.name;
    variable.bytes = declaration.element_bytes * declaration.count;
    variable.storage.reset(new std::uint64_t[(variable.bytes + 7) / 8]());
    auto* bytes = reinterpret_cast<unsigned char*>(variable.storage.get());
    if (declaration.initializer.size() > declaration.count) {
        throw ParseError(statement.line, declaration.name + ": more initialisers than elements");
    }
    for (std::size_t i = 0; i < declaration.initializer.size(); i++) {
        std::uint64_t value;
        if (!parse_immediate(declaration.initializer[i], declaration.type, &value)) {
            throw ParseError(statement.line, declaration.name + ": cannot read the initialiser `" + declaration.initializer[i] + "`");
        }
        std::memcpy(bytes + i * declaration.element_bytes, &value, declaration.element_bytes);  // little-endian
    }
    module->globals[variable.name] = reinterpret_cast<std::uint64_t>(variable.storage.get());
    program->globals.push_back(std::move(variable));
}

void declare_shared(const Statement& statement, Program* program, ModuleScope* module) {
    Declaration declaration = parse_declaration(statement);
    if (!declaration.initializer.empty()) {
        throw ParseError(statement.line, declaration.name + ": a .shared variable cannot be initialised");
    }
    std::size_t offset = align_up(program->shared_bytes, declaration.alignment);
    module->shared[declaration.name] = offset;
    program->shared_bytes = offset + declaration.element_bytes * declaration.count;
}

void declare_local(const Statement& statement, Entry* entry, EntryScope* scope) {
    Declaration declaration = parse_declaration(statement);
    std::size_t offset = align_up(entry->local_bytes, declaration.alignment);
    scope->locals[declaration.name] = offset;
    entry->local_bytes = offset + declaration.element_bytes * declaration.count;
}

// Labels at the start of a statement (`$L__BB0_2:`), recorded at the next instruction's index.
std::string take_labels(const std::string& text, std::size_t next_instruction, int line, EntryScope* scope) {
    static const std::regex label(R"(^([A-Za-z_$][\w$]*)\s*:\s*)");
    std::string rest = text;
    std::smatch match;
    while (std::regex_search(rest, match, label)) {
        if (!scope->labels.emplace(match[1], static_cast<std::uint32_t>(next_instruction)).second) {
            throw ParseError(line, "the label " + match[1].str() + " is defined twice");
        }
        rest = match.suffix();
    }
    return rest;
}

void resolve_branches(Entry* entry, const EntryScope& scope, int line) {
    for (const auto& [index, label] : scope.branches) {
        auto it = scope.labels.find(label);
        if (it == scope.labels.end()) {
            throw ParseError(entry->code[index].line, "bra to an unknown label " + label);
        }
        entry->code[index].target = it->second;
    }
    entry->registers = static_cast<std::uint32_t>(scope.registers.size());
    entry->has_barrier = std::any_of(entry->code.begin(), entry->code.end(),
                                     [](const Instruction& in) { return in.op == Opcode::bar; });
    if (entry->code.empty() || (entry->code.back().op != Opcode::ret && entry->code.back().op != Opcode::exit
                                && entry->code.back().op != Opcode::bra)) {
        throw ParseError(line, entry->name + ": the body does not end in ret, exit or bra");
    }
}

Program parse(const std::string& text) {
    Program program;
    ModuleScope module;
    std::optional<Entry> entry;  // the entry whose body is being read
    EntryScope scope;
    std::optional<Entry> header;  // an entry declared, its body not yet opened
    int depth = 0;
    for (const Statement& statement : split_statements(without_line_directives(text))) {
        std::string body = statement.text;
        if (entry) {
            body = take_labels(body, entry->code.size(), statement.line, &scope);
        }
        if (!body.empty()) {
            if (!entry && starts_with(body, ".global")) {
                declare_global(statement, &program, &module);
            } else if (starts_with(body, ".shared")) {
                declare_shared({body, statement.end, statement.line}, &program, &module);
            } else if (entry && starts_with(body, ".local")) {
                declare_local({body, statement.end, statement.line}, &*entry, &scope);
            } else if (entry && starts_with(body, ".reg")) {
                declare_registers({body, statement.end, statement.line}, &scope);
            } else if (starts_with(body, ".pragma")) {
                // hints to the compiler (nounroll): nothing to execute
            } else if (!entry && body.find(".entry") != std::string::npos) {
                header = parse_entry_header(statement, &module);
            } else if (entry && body[0] != '.') {
                entry->code.push_back(parse_instruction({body, statement.end, statement.line}, scope, module,
                                                        &scope.branches, entry->code.size()));
            } else {
                throw ParseError(statement.line, "`" + body.substr(0, body.find_first_of(" \t")) + "`: a directive the PTX interpreter does not read", true);
            }
        }
        if (statement.end == '{') {
            if (depth++ == 0) {
                if (!header) {
                    throw ParseError(statement.line, "a '{' outside an entry");
                }
                entry = std::move(header);
                header.reset();
                scope = EntryScope{};
            }
        } else if (statement.end == '}') {
            if (depth == 0) {
                throw ParseError(statement.line, "a '}' without its '{'");
            }
            if (--depth == 0) {
                resolve_branches(&*entry, scope, statement.line);
                program.entries.push_back(std::move(*entry));
                entry.reset();
            }
        }
    }
    if (depth != 0 || header) {
        throw ParseError(1, "the text ends inside an entry");
    }
    return program;
}

}  // namespace

std::optional<Instruction> decode_opcode(const std::string& opcode) {
    std::vector<std::string> parts = split(opcode, '.');
    Instruction in;
    if (parts.empty() || !lookup(opcode_names(), parts[0], &in.op)) {
        return std::nullopt;
    }
    for (std::size_t i = 1; i < parts.size(); i++) {
        if (!apply_modifier(parts[i], &in)) {
            return std::nullopt;
        }
    }
    in.opcode = opcode;
    return in;
}

std::optional<Program> parse_program(const std::string& text, std::string* why, bool* unsupported) {
    try {
        *unsupported = false;
        return parse(text);
    } catch (const ParseError& error) {
        *why = error.what();
        *unsupported = error.unsupported;
    } catch (const std::exception& error) {  // std::stoul on a number too large ...
        *why = std::string("cannot read the PTX: ") + error.what();
    }
    return std::nullopt;
}

}  // namespace fake_cuda::ptx
