package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where nvcc is installed: the shipped PTX is what kernels/build-ptx.sh makes of kernels/*.cu now. */
class PtxFreshnessTest {

    @Test
    void shippedPtxIsBuiltFromTheCurrentKernels(@TempDir Path temporary) throws Exception {
        assumeTrue(onPath("nvcc"), "nvcc is not on PATH");
        Path rebuilt = temporary.resolve("kernels.ptx");
        Process build = new ProcessBuilder("bash", "kernels/build-ptx.sh", rebuilt.toString())
                .redirectErrorStream(true).start();
        String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(build.waitFor(120, TimeUnit.SECONDS), "nvcc took over two minutes");
        assertEquals(0, build.exitValue(), () -> "kernels/build-ptx.sh failed:\n" + output);
        assertEquals(Files.readString(rebuilt), new String(KernelModule.ptx(), StandardCharsets.UTF_8),
                "stale PTX: run kernels/build-ptx.sh (or this nvcc differs from the one in the PTX's header)");
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(directory -> !directory.isEmpty() && Files.isExecutable(Path.of(directory, program)));
    }
}
