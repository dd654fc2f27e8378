package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `selftest --device emulated` passes every check, each pass with the share of its tolerance the
 * closest value used; Maven runs it on both emulator builds (the IEEE one and the GPU-rounding one).
 */
class EmulatedSelfTestCommandTest {
    @Test
    void selftestOnTheEmulatorPassesEveryCheck() {
        CliRunner result = CliRunner.run("selftest", "--device", "emulated");
        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.out().strip().lines().toList();
        assertEquals("20 passed, 0 failed", lines.getLast(), result.toString());
        List<String> passes = lines.stream().filter(line -> line.contains(" pass ")).toList();
        assertEquals(20, passes.size(), result.toString());
        assertTrue(passes.stream().allMatch(line -> line.matches(".* pass \\(largest difference: \\d+% of its tolerance\\)")),
                result.toString());
    }
}
