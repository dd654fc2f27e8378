package dev.vaecuda.backend.cuda.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fake driver's PTX interpreter implements every opcode, as written, of the shipped kernels.ptx:
 * a kernel that uses one it does not would fail to load (CUDA_ERROR_NOT_SUPPORTED) on the fake driver.
 */
class PtxOpcodeCoverageTest {
    /** An optional guard (@%p1, @!%p1), then the opcode: the instruction's first token. */
    private static final Pattern INSTRUCTION = Pattern.compile("^(?:@!?%\\w+\\s+)?([A-Za-z][\\w.]*)");

    private FakeCuda cuda;

    @BeforeEach
    void freshDriver() {
        cuda = FakeCuda.fresh();
    }

    /**
     * The distinct opcodes of the instructions inside the entries' bodies of PTX text: each line's
     * first token after an optional guard, skipping directives (.reg, .loc ...), labels, braces and
     * comments.
     */
    static SortedSet<String> opcodes(String ptx) {
        SortedSet<String> opcodes = new TreeSet<>();
        int depth = 0;
        for (String line : ptx.lines().toList()) {
            String code = line.replaceFirst("//.*", "").strip();
            if (depth > 0 && !code.isEmpty() && !code.startsWith(".") && !code.startsWith("{") && !code.startsWith("}")
                    && !code.matches("[$\\w]+:")) {
                var matcher = INSTRUCTION.matcher(code);
                if (!matcher.find()) {
                    throw new AssertionError("not an instruction: " + line);
                }
                opcodes.add(matcher.group(1));
            }
            depth += count(code, '{') - count(code, '}');
        }
        return opcodes;
    }

    private static int count(String text, char c) {
        return (int) text.chars().filter(x -> x == c).count();
    }

    private static SortedSet<String> shippedOpcodes() throws IOException {
        return opcodes(Files.readString(FakeCuda.SHIPPED_PTX));
    }

    @Test
    void theOpcodeListerFindsGuardedInstructionsAndSkipsTheRest() {
        String ptx = FakeCuda.ptxModule("""
                .visible .entry k(
                    .param .u64 k_param_0
                )
                {
                    .reg .pred %p<2>;
                    // mov.u32 in a comment
                    .loc 1 2 3
                    setp.eq.s32 %p1, %r1, 0;
                    @%p1 bra $L__BB0_2;
                    @!%p1 bra.uni $L__BB0_2;
                $L__BB0_2:
                    ret;
                }
                """);
        assertEquals(new TreeSet<>(List.of("setp.eq.s32", "bra", "bra.uni", "ret")), opcodes(ptx));
    }

    @Test
    void theShippedPtxUsesMoreThanFiftyOpcodes() throws IOException {
        SortedSet<String> opcodes = shippedOpcodes();
        assertTrue(opcodes.size() > 50, "only " + opcodes.size() + " opcodes found: " + opcodes);
    }

    @Test
    void theInterpreterImplementsEveryOpcodeOfTheShippedPtx() throws IOException {
        SortedSet<String> missing = new TreeSet<>();
        for (String opcode : shippedOpcodes()) {
            if (!cuda.ptxImplements(opcode)) {
                missing.add(opcode);
            }
        }
        assertTrue(missing.isEmpty(), "fake_cuda_ptx_implements says 0 for " + missing.size() + " opcodes: " + missing);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fma.rn.f16x3", "frobnicate.b32", "add.rn.f33"})
    void theInterpreterDoesNotClaimAMadeUpOpcode(String opcode) {
        assertFalse(cuda.ptxImplements(opcode), opcode);
    }
}
