package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * data/fetch-cifar10.sh against a server on 127.0.0.1: the archive arrives checked against both
 * sums; a file whose sum differs is deleted and both sums named; a body cut short leaves no file.
 * The script runs from a copy beside sums of the served (synthetic) bytes, with CIFAR10_URL set.
 */
class FetchCifar10ScriptTest {
    private static final String NAME = "cifar-10-binary.tar.gz";

    @TempDir
    Path dir;

    private final byte[] original = "not really CIFAR-10, but bytes with known sums".getBytes();
    private byte[] served = original;
    private boolean cutShort;
    private HttpServer server;
    private Path script;
    private Path target;

    @BeforeEach
    void serve() throws Exception {
        assumeTrue(FetchMnistScriptTest.onPath("curl") && FetchMnistScriptTest.onPath("sha256sum")
                && FetchMnistScriptTest.onPath("md5sum"), "needs curl, sha256sum and md5sum");
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        script = Files.copy(Path.of("data", "fetch-cifar10.sh"), scripts.resolve("fetch-cifar10.sh"));
        Files.writeString(scripts.resolve("cifar10.sha256"), digest("SHA-256", original) + "  " + NAME + "\n");
        Files.writeString(scripts.resolve("cifar10.md5"), digest("MD5", original) + "  " + NAME + "\n");
        target = dir.resolve("cifar10");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/" + NAME, exchange -> {
            exchange.sendResponseHeaders(200, served.length);
            exchange.getResponseBody().write(served, 0, cutShort ? served.length / 2 : served.length);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private record Finished(int exitCode, String out, String err) {
    }

    private Finished run() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), target.toString());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
        env.put("CIFAR10_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/" + NAME);
        Process process = builder.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "fetch-cifar10.sh still running after 60 s");
        return new Finished(process.exitValue(), Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    private List<String> leftInTarget() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fetchesVerifiesAndPlacesTheArchiveOnce() throws Exception {
        Finished first = run();
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("CIFAR-10 in " + target.resolve(NAME) + ", checksums verified"), first.toString());
        assertArrayEquals(original, Files.readAllBytes(target.resolve(NAME)));
        Finished again = run();
        assertTrue(again.out().contains("CIFAR-10 already in " + target + ", checksums verified"), again.toString());
    }

    @Test
    void aChecksumMismatchDeletesTheDownloadAndNamesBothSums() throws Exception {
        served = "other bytes".getBytes();
        Finished run = run();
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains(NAME + ": sha256 mismatch: expected " + digest("SHA-256", original) + ", actual "
                + digest("SHA-256", served) + " (file deleted)"), run.toString());
        assertEquals(List.of(), leftInTarget(), "nothing placed, nothing staged");
    }

    @Test
    void aBodyCutShortLeavesNoFile() throws Exception {
        cutShort = true;
        Finished run = run();
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("error: could not download http://127.0.0.1:"), run.toString());
        assertEquals(List.of(), leftInTarget(), "nothing placed, nothing staged");
    }

    private static String digest(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }
}
