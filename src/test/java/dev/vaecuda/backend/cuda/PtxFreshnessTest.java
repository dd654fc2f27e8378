package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped PTX is built from the current kernels/: always, by the SHA-256 of the sources that
 * kernels/build-ptx.sh writes into it; where nvcc is installed, also by building it again.
 */
class PtxFreshnessTest {

    @Test
    void shippedPtxRecordsTheHashOfTheCurrentKernelSources() throws Exception {
        // as build-ptx.sh computes it: sha256sum's lines ("HEX  NAME") for every file of kernels/ by name, hashed
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of("kernels"))) {
            for (Path file : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                listing.append(sha256(Files.readAllBytes(file))).append("  ").append(file.getFileName()).append('\n');
            }
        }
        String expected = "// kernels-sha256: " + sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
        String recorded = new String(KernelModule.ptx(), StandardCharsets.UTF_8).lines().skip(1).findFirst().orElseThrow();
        assertEquals(expected, recorded, "stale PTX: kernels/ changed since kernels/build-ptx.sh made it; run it");
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

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
