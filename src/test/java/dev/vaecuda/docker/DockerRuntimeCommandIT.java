package dev.vaecuda.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as the image runs it, without Docker: the runtime stage's ENTRYPOINT and CMD,
 * word for word, with `java` this JDK 25's and the jar's path in the image mapped to the built
 * jar, in a folder laid out like the image's WORKDIR and VOLUMEs. Runs after `package`
 * (maven-failsafe-plugin), which passes the jar's path and the JCuda version.
 */
class DockerRuntimeCommandIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final String JCUDA_VERSION = System.getProperty("jcuda.version");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** The JCuda library the CUDA backend loads, and the system library it needs (cuBLAS is reached through FFM). */
    private static final Map<String, String> NEEDS = Map.of("JCudaDriver", "libcuda.so.1");

    @Test
    void theImagesDefaultCommandTrainsFromTheDataVolumeIntoTheRunsVolume(@TempDir Path root) throws Exception {
        DockerStage runtime = Dockerfile.read(Dockerfile.PROJECT).runtime();
        for (String volume : runtime.last("VOLUME").orElseThrow().execForm()) {
            Files.createDirectories(inside(root, volume));
        }
        Path workdir = inside(root, runtime.last("WORKDIR").orElseThrow().arguments());
        SyntheticDigits.writeIdx(Files.createDirectories(workdir.resolve("data/mnist")), 512, 128, 28, 28);
        List<String> command = new ArrayList<>(runtime.last("ENTRYPOINT").orElseThrow().execForm());
        command.addAll(runtime.last("CMD").orElseThrow().execForm());
        command.replaceAll(word -> word.equals("java") ? JAVA : word.equals(Dockerfile.JAR_IN_IMAGE) ? JAR.toString() : word);

        Finished train = run(command, workdir, root);

        assertEquals(0, train.exitCode(), train.toString());
        assertEquals("", train.err(), "a host without CUDA costs one line on stdout, nothing on stderr");
        List<String> deviceLines = train.out().lines().filter(l -> l.startsWith("device:")).toList();
        assertEquals(1, deviceLines.size(), train.toString());
        if (!cudaDriverLoads(root)) {
            assertTrue(deviceLines.getFirst().startsWith("device: cpu"), deviceLines.getFirst());
            // the image installs no BLAS: the jar's own OpenBLAS runs the GEMMs
            assertTrue(deviceLines.getFirst().contains("BLAS OpenBLAS 0.3.31 ") && deviceLines.getFirst().contains("(bundled)"),
                    deviceLines.getFirst());
        }
        Path run = workdir.resolve("runs/vae");
        assertEquals(1 + 10, Files.readAllLines(run.resolve("metrics.csv")).size(), "header and the default 10 epochs");
        assertTrue(Files.isRegularFile(run.resolve("checkpoint.vae")));
    }

    @Test
    void theJarCarriesJCudasDriverNativesAndNoOthers() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            assertNotNull(jar.getEntry(nativeEntry("JCudaDriver")), JAR + " lacks " + nativeEntry("JCudaDriver"));
            // the runtime API, JCublas (libcublas.so.12 only), NVRTC, and the 24 MB PTX compiler only the tests use
            for (String library : List.of("JCudaRuntime", "JCublas2", "JNvrtc", "JNvPTXCompiler")) {
                assertNull(jar.getEntry(nativeEntry(library)), JAR + " carries " + nativeEntry(library));
            }
        }
    }

    @Test
    void theJarCarriesOpenBlasAndTheLibrariesItLinksButNoOtherBlasNatives() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            List<String> blasFiles = jar.stream().map(ZipEntry::getName)
                    .filter(name -> (name.startsWith("org/bytedeco/") || name.startsWith("resources/native/")) // netlib's JNI
                            && !name.endsWith("/"))
                    .sorted().toList();
            assertEquals(List.of("org/bytedeco/openblas/linux-x86_64/libgfortran.so.5",
                    "org/bytedeco/openblas/linux-x86_64/libopenblas.so.0",
                    "org/bytedeco/openblas/linux-x86_64/libquadmath.so.0"), blasFiles);
        }
    }

    @Test
    void jcudaLoadsItsNativesFromInsideTheJarAndNamesAMissingSystemLibrary(@TempDir Path tmp) throws Exception {
        Finished probe = probe(tmp);

        assertEquals(0, probe.exitCode(), probe.toString());
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            for (Map.Entry<String, String> needs : NEEDS.entrySet()) {
                String library = needs.getKey();
                String line = probe.out().lines().filter(l -> l.contains(" " + library)).findFirst().orElseThrow();
                assertTrue(line.equals("loaded " + library)
                        || line.startsWith("failed " + library) && line.contains(needs.getValue() + ": cannot open"), line);
                ZipEntry entry = jar.getEntry(nativeEntry(library));
                try (InputStream inJar = jar.getInputStream(entry)) {
                    assertArrayEquals(inJar.readAllBytes(), Files.readAllBytes(tmp.resolve(Path.of(entry.getName()).getFileName())),
                            "JCuda extracts " + entry.getName() + " from the jar into java.io.tmpdir");
                }
            }
        }
    }

    private static boolean cudaDriverLoads(Path tmp) throws Exception {
        return probe(Files.createTempDirectory(tmp, "probe")).out().contains("loaded JCudaDriver");
    }

    private static Finished probe(Path tmp) throws Exception {
        Path testClasses = Path.of(JCudaNativesProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return run(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-cp", JAR + File.pathSeparator + testClasses, JCudaNativesProbe.class.getName()), tmp, tmp);
    }

    private static String nativeEntry(String library) {
        return "lib/lib" + library + "-" + JCUDA_VERSION + "-linux-x86_64.so";
    }

    /** An absolute path of the image, placed under {@code root}. */
    private static Path inside(Path root, String imagePath) {
        assertTrue(imagePath.startsWith("/"), imagePath);
        return root.resolve(imagePath.substring(1));
    }

    private static Finished run(List<String> command, Path directory, Path logs) throws Exception {
        Path out = Files.createTempFile(logs, "stdout", ".txt");
        Path err = Files.createTempFile(logs, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 5 minutes: " + command);
        }
        return new Finished(command, process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private record Finished(List<String> command, int exitCode, String out, String err) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
