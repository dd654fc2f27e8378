package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.train.MetricsCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar's `--device cuda` as a user runs it, on a machine whose only CUDA is the fake
 * driver, cuBLAS and cuDNN (target/fake-cuda on LD_LIBRARY_PATH): JCuda's natives from the jar, cuBLAS
 * found by soname, stream capture, on the real MNIST files (ci/test.sh fetches them).
 */
class FakeCudaJarIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final Path FAKE_CUDA = JAR.resolveSibling("fake-cuda").toAbsolutePath();
    private static final Path MNIST = Path.of("data/mnist").toAbsolutePath();
    private static final Map<String, String> ON_FAKE = Map.of("LD_LIBRARY_PATH", FAKE_CUDA.toString());

    private static ChildProcess run(Path dir, Map<String, String> environment, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(arguments));
        ChildProcess child = ChildProcess.start(command, Files.createDirectories(dir.resolve("logs")), dir, environment);
        child.waitFor();
        return child;
    }

    @Test
    void infoShowsTheFakeGpuCublas13AndCudnn9(@TempDir Path dir) throws Exception {
        String cuda = infoCudaLine(dir, ON_FAKE);
        assertTrue(cuda.contains("vae-cuda fake GPU (PTX interpreter)") && cuda.contains(FAKE_CUDA + "/libcublas.so.13), cuDNN 9.")
                && cuda.endsWith(FAKE_CUDA + "/libcudnn.so.9)"), cuda);
    }

    /** Without cuDNN the GPU runs all but the convolutions: `info` says so, and what to install. */
    @Test
    void infoSaysWhatToInstallWhenCudnnIsMissing(@TempDir Path dir) throws Exception {
        Path noCudnn = Files.createDirectories(dir.resolve("no-cudnn"));
        for (String library : List.of("libcuda.so.1", "libcublas.so.13")) {
            Files.createSymbolicLink(noCudnn.resolve(library), FAKE_CUDA.resolve(library));
        }
        String cuda = infoCudaLine(dir, Map.of("LD_LIBRARY_PATH", noCudnn.toString()));
        assertTrue(cuda.endsWith("/libcublas.so.13), no convolutions: loading cuDNN failed: no libcudnn.so.9"
                + " on the loader path (install cuDNN 9 for CUDA 12 or 13, e.g. the cudnn9-cuda-13 package, or put the"
                + " nvidia-cudnn-cu13 wheel's lib folder on LD_LIBRARY_PATH, or name the file in VAE_CUDNN)"), cuda);
    }

    private static String infoCudaLine(Path dir, Map<String, String> environment) throws Exception {
        ChildProcess info = run(dir, environment, "info");
        assertEquals(0, info.process().exitValue(), info.toString());
        return info.out().lines().filter(line -> line.startsWith("cuda ")).findFirst().orElseThrow();
    }

    @Test
    void selftestOnCudaPassesEveryCheck(@TempDir Path dir) throws Exception {
        ChildProcess selftest = run(dir, ON_FAKE, "selftest", "--device", "cuda");
        assertEquals(0, selftest.process().exitValue(), selftest.toString());
        assertTrue(selftest.out().strip().endsWith("20 passed, 0 failed"), selftest.toString());
    }

    @Test
    void cudaTrainsToTheCpusTestLossWithAndWithoutTheGraphAndOnCublas12(@TempDir Path dir) throws Exception {
        double cpu = testLoss(dir, "cpu", Map.of());
        double graph = testLoss(dir, "cuda", ON_FAKE);
        double direct = testLoss(dir, "cuda", ON_FAKE, "--no-graph");
        double cublas12 = testLoss(dir, "cuda", Map.of("LD_LIBRARY_PATH", FAKE_CUDA.toString(),
                "VAE_CUBLAS", FAKE_CUDA.resolve("libcublas.so.12").toString()));
        for (double cuda : new double[] {graph, direct, cublas12}) {
            assertEquals(cpu, cuda, 1e-5 * cpu, "test loss after one epoch on --limit 1024, cpu vs cuda");
        }
    }

    /** The test loss after one epoch of 1024 MNIST images, seed 7, on {@code device}. */
    private static double testLoss(Path dir, String device, Map<String, String> environment, String... more) throws Exception {
        Path out = dir.resolve(device + environment.size() + more.length);
        List<String> arguments = new ArrayList<>(List.of("train", "--device", device, "--data", MNIST.toString(),
                "--limit", "1024", "--epochs", "1", "--seed", "7", "--out", out.toString()));
        arguments.addAll(List.of(more));
        ChildProcess train = run(dir, environment, arguments.toArray(String[]::new));
        assertEquals(0, train.process().exitValue(), train.toString());
        assertTrue(train.out().startsWith("device: " + device), train.toString());
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(MetricsCsv.HEADER, rows.getFirst());
        return Double.parseDouble(rows.get(1).split(",")[2]);
    }

    @Test
    void aDriverWithoutCublasIsOneLineAndAutoGoesOnWithTheCpu(@TempDir Path dir) throws Exception {
        Path driverOnly = Files.createDirectories(dir.resolve("driver-only"));
        Files.createSymbolicLink(driverOnly.resolve("libcuda.so.1"), FAKE_CUDA.resolve("libcuda.so.1"));
        Map<String, String> noCublas = Map.of("LD_LIBRARY_PATH", driverOnly.toString());
        String missing = "loading cuBLAS failed: no libcublas.so.13 or libcublas.so.12 on the loader path";

        ChildProcess cuda = run(dir, noCublas, "selftest", "--device", "cuda");
        assertEquals(1, cuda.process().exitValue(), cuda.toString());
        assertEquals(1, cuda.err().lines().count(), cuda.toString());
        assertTrue(cuda.err().startsWith("error: " + missing + " (install CUDA's cuBLAS"), cuda.toString());

        ChildProcess auto = run(dir, noCublas, "bench", "--device", "auto", "--steps", "1", "--repeats", "1");
        assertTrue(auto.out().lines().anyMatch(line -> line.startsWith("device: cpu") && line.contains(missing)),
                auto.toString());
    }

    @Test
    void aDriverTooOldForThePtxIsOneLine(@TempDir Path dir) throws Exception {
        ChildProcess old = run(dir, Map.of("LD_LIBRARY_PATH", FAKE_CUDA.toString(), "FAKE_CUDA_DRIVER_VERSION", "11040"),
                "selftest", "--device", "cuda");
        assertEquals(1, old.process().exitValue(), old.toString());
        assertEquals("error: checking the NVIDIA driver failed: it supports CUDA 11.4; the kernels (PTX ISA 8.0) need a"
                + " driver for CUDA 12.0 or newer (R525+)", old.err().strip());
    }

    @Test
    void aCublasOfAnotherMajorIsOneLine(@TempDir Path dir) throws Exception {
        // a file that is not cuBLAS 12 or 13 named by VAE_CUBLAS: the driver library itself has no cuBLAS entry points
        ChildProcess wrong = run(dir, Map.of("LD_LIBRARY_PATH", FAKE_CUDA.toString(),
                "VAE_CUBLAS", FAKE_CUDA.resolve("libcuda.so.1").toString()), "selftest", "--device", "cuda");
        assertEquals(1, wrong.process().exitValue(), wrong.toString());
        assertEquals("error: loading cuBLAS failed: " + FAKE_CUDA.resolve("libcuda.so.1")
                + " has no cublasCreate_v2: it is not cuBLAS", wrong.err().strip());
    }
}
