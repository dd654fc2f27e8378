package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar's `--device emulated` on the emulator that VAE_CUDA_EMULATOR names: the
 * GPU-rounding build (target/emulator-gpu-rounding) passes selftest and says how it rounds; a name
 * that is no file is one line and exit 1.
 */
class EmulatorOverrideIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Path GPU_ROUNDING = JAR.resolveSibling("emulator-gpu-rounding/libcuda-emulator.so").toAbsolutePath();

    private static ChildProcess selftest(Path dir, String emulator) throws Exception {
        ChildProcess child = ChildProcess.start(List.of(JAVA, "-jar", JAR.toString(), "selftest", "--device", "emulated"),
                Files.createDirectories(dir.resolve("logs")), dir, Map.of("VAE_CUDA_EMULATOR", emulator));
        child.waitFor();
        return child;
    }

    @Test
    void selftestPassesOnTheGpuRoundingEmulator(@TempDir Path dir) throws Exception {
        ChildProcess run = selftest(dir, GPU_ROUNDING.toString());
        assertEquals(0, run.process().exitValue(), run.toString());
        assertTrue(run.out().startsWith("device: emulated (the CUDA kernels on the CPU emulator, rounding as a GPU may"),
                run.toString());
        assertTrue(run.out().strip().endsWith("20 passed, 0 failed"), run.toString());
    }

    @Test
    void anEmulatorThatIsNoFileIsOneLine(@TempDir Path dir) throws Exception {
        ChildProcess run = selftest(dir, dir.resolve("missing.so").toString());
        assertEquals(1, run.process().exitValue(), run.toString());
        assertEquals("error: VAE_CUDA_EMULATOR=" + dir.resolve("missing.so") + ": no such file (expected a CUDA emulator"
                + " library built by src/main/native/build-emulator.sh)", run.err().strip(), run.toString());
    }
}
