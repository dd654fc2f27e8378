package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * data/fetch-mnist.sh against a mirror on 127.0.0.1 (com.sun.net.httpserver): good files arrive
 * verified; a file whose SHA-256 differs is deleted and both sums are named; a connection that
 * drops inside a body, or a run stopped by SIGTERM mid-download, leaves no file under a final name
 * and no staging folder. The script runs from a copy beside a sums file of the served
 * (synthetic) files, with MNIST_SOURCE=mirror and MNIST_MIRROR pointing at the server.
 */
class FetchMnistScriptTest {
    private static final Path SCRIPT = Path.of("data", "fetch-mnist.sh");
    private static final List<String> NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** How the mirror serves a file. */
    private enum Serving { WHOLE, HALF_THEN_CLOSE, HALF_THEN_STALL }

    @TempDir
    Path dir;

    private final Map<String, byte[]> originals = new ConcurrentHashMap<>();
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final Map<String, Serving> serving = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer server;
    private Path script;
    private Path target;

    @BeforeEach
    void serveSyntheticMnist() throws Exception {
        assumeTrue(onPath("curl") && onPath("gunzip") && onPath("sha256sum"), "needs curl, gunzip and sha256sum");
        Path source = dir.resolve("source");
        SyntheticDigits.writeIdx(source, 50, 20, 28, 28);
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        script = Files.copy(SCRIPT, scripts.resolve("fetch-mnist.sh"));
        StringBuilder sums = new StringBuilder();
        for (String name : NAMES) {
            byte[] bytes = Files.readAllBytes(source.resolve(name));
            originals.put(name, bytes);
            served.put(name, IdxFixtures.gzip(bytes));
            serving.put(name, Serving.WHOLE);
            sums.append(sha256(bytes)).append("  ").append(name).append('\n');
        }
        Files.writeString(scripts.resolve("mnist.sha256"), sums);
        target = dir.resolve("mnist");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/mnist/", this::serve);
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stopServing() throws InterruptedException {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
        handlers.shutdownNow();
        handlers.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void serve(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring("/mnist/".length()).replace(".gz", "");
        byte[] body = served.get(name);
        if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        OutputStream out = exchange.getResponseBody();
        Serving how = serving.get(name);
        out.write(body, 0, how == Serving.WHOLE ? body.length : body.length / 2);
        out.flush();
        if (how == Serving.HALF_THEN_STALL) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // closing short of Content-Length drops the connection in the middle of the body
        exchange.close();
    }

    private Process start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), target.toString());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
        env.put("MNIST_SOURCE", "mirror");
        env.put("MNIST_MIRROR", "http://127.0.0.1:" + server.getAddress().getPort() + "/mnist");
        return builder.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
    }

    private record Finished(int exitCode, String out, String err) {
    }

    private Finished finish(Process process) throws Exception {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "fetch-mnist.sh still running after 60 s");
        return new Finished(process.exitValue(), Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    private List<String> leftInTarget() throws IOException {
        if (!Files.exists(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fetchesVerifiesAndPlacesTheFiles() throws Exception {
        Finished run = finish(start());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("MNIST in " + target + ", checksums verified"), run.toString());
        assertEquals(NAMES.stream().sorted().toList(), leftInTarget());
        for (String name : NAMES) {
            assertArrayEquals(originals.get(name), Files.readAllBytes(target.resolve(name)), name);
        }
        Finished again = finish(start());
        assertTrue(again.out().contains("already in " + target + ", checksums verified"), again.toString());
    }

    @Test
    void aChecksumMismatchDeletesTheFileAndNamesBothSums() throws Exception {
        byte[] wrong = originals.get("t10k-labels-idx1-ubyte").clone();
        wrong[wrong.length - 1] ^= 1;
        served.put("t10k-labels-idx1-ubyte", IdxFixtures.gzip(wrong));
        Finished run = finish(start());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("t10k-labels-idx1-ubyte: checksum mismatch: expected "
                + sha256(originals.get("t10k-labels-idx1-ubyte")) + ", actual " + sha256(wrong) + " (file deleted)"),
                run.toString());
        assertEquals(List.of(), leftInTarget(), "nothing placed, nothing staged");
    }

    @Test
    void aDamagedFileAlreadyInTheFolderIsDeletedAndFetchedAgain() throws Exception {
        Files.createDirectories(target);
        byte[] damaged = originals.get("train-labels-idx1-ubyte").clone();
        damaged[20] ^= 0x40;
        Files.write(target.resolve("train-labels-idx1-ubyte"), damaged);
        Finished run = finish(start());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("train-labels-idx1-ubyte: checksum mismatch: expected "
                + sha256(originals.get("train-labels-idx1-ubyte")) + ", actual " + sha256(damaged)), run.toString());
        assertArrayEquals(originals.get("train-labels-idx1-ubyte"), Files.readAllBytes(target.resolve("train-labels-idx1-ubyte")));
    }

    @Test
    void aConnectionDroppedInsideABodyLeavesNoFile() throws Exception {
        serving.put("train-images-idx3-ubyte", Serving.HALF_THEN_CLOSE);
        Finished run = finish(start());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("error: could not download train-images-idx3-ubyte.gz from any mirror"), run.toString());
        assertEquals(List.of(), leftInTarget(), "nothing placed, nothing staged");
    }

    @Test
    void aRunStoppedBySigtermMidDownloadLeavesNoFile() throws Exception {
        serving.put("t10k-images-idx3-ubyte", Serving.HALF_THEN_STALL);
        Process process = start();
        Path partial = null;
        while (partial == null) {
            assertTrue(process.isAlive(), "ended before the stalled download");
            partial = stagedPartOf("t10k-images-idx3-ubyte.gz");
            Thread.sleep(10);
        }
        // as a shell's Ctrl-C or a service stop reaches the whole job: the script and its curl
        List<ProcessHandle> job = new ArrayList<>(process.descendants().toList());
        job.add(process.toHandle());
        job.forEach(ProcessHandle::destroy);
        Finished run = finish(process);
        assertEquals(143, run.exitCode(), run.toString());
        assertEquals(List.of(), leftInTarget(), "nothing placed, nothing staged");
    }

    /** The staged download of {@code name} once it holds some bytes, else null. */
    private Path stagedPartOf(String name) throws IOException {
        for (String entry : leftInTarget()) {
            Path file = target.resolve(entry).resolve(name);
            if (entry.startsWith(".fetch.") && Files.isRegularFile(file) && Files.size(file) > 0) {
                return file;
            }
        }
        return null;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Whether {@code command} is an executable file in a folder of PATH. */
    static boolean onPath(String command) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(folder -> Files.isExecutable(Path.of(folder, command)));
    }
}
