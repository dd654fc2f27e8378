package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.ReadmeBlocks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ```bash block of the README runs as printed, in order (the quick start first: it builds the
 * jar and trains the model the others use), each in a fresh bash with an empty environment but HOME
 * and the default PATH, whose java may be older than 25, in a copy of the checkout (with MNIST, as
 * ci/test.sh leaves it, so that the quick start's fetch only verifies it). Left out: the blocks that
 * need a GPU or Docker (checked by bench/gpu/test-fake.sh and ReadmeDockerCommandsTest), the one
 * on a user's own photos (~/photos; FolderParityTest and ColourFolderTrainingTest train on folders)
 * and the one that runs these tests.
 */
class ReadmeCommandsIT {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final List<String> NOT_HERE = List.of("docker ", "--device cuda", ".gpu/", "ci/test.sh", "~/photos");

    @TestFactory
    Stream<DynamicTest> everyCommandBlockRunsAsPrintedInAFreshShell(@TempDir Path copy) throws Exception {
        List<String> blocks = ReadmeBlocks.of(Files.readAllLines(Path.of("README.md")), "bash");
        assertTrue(blocks.getFirst().contains("train --epochs 10 --out runs/mnist"), "the quick start comes first");
        copyCheckout(copy);
        return blocks.stream().filter(block -> NOT_HERE.stream().noneMatch(block::contains))
                .map(block -> DynamicTest.dynamicTest(block.lines().filter(l -> !l.startsWith("source ")).findFirst().orElse(block),
                        () -> run(block, copy)));
    }

    private static void run(String block, Path dir) throws Exception {
        Path script = Files.writeString(Files.createTempFile(dir, "block", ".sh"), block);
        Path log = dir.resolve(script.getFileName() + ".log");
        Process shell = new ProcessBuilder("env", "-i", "HOME=" + System.getProperty("user.home"), "PATH=" + DEFAULT_PATH,
                "bash", "--noprofile", "--norc", "-e", "-o", "pipefail", script.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = shell.waitFor(15, TimeUnit.MINUTES);
        if (!ended) {
            shell.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "still running after 15 minutes:\n" + block + output);
        assertEquals(0, shell.exitValue(), () -> "the block\n" + block + "failed:\n" + tail(output));
        if (block.contains("train --epochs 10 --out runs/mnist")) {
            assertEquals(11, Files.readAllLines(dir.resolve("runs/mnist/metrics.csv")).size(), "a header and 10 epochs");
        }
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The working tree as git sees it (tracked and not ignored), and data/mnist. */
    private static void copyCheckout(Path copy) throws IOException, InterruptedException {
        Process list = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .redirectErrorStream(true).start();
        String files = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, list.waitFor(), files);
        for (String name : files.split("\0")) {
            Path source = Path.of(name);
            if (!name.isEmpty() && Files.isRegularFile(source)) {
                copyFile(source, copy.resolve(name));
            }
        }
        Path mnist = Path.of("data/mnist");
        if (Files.isDirectory(mnist)) {
            try (Stream<Path> data = Files.list(mnist)) {
                for (Path file : data.toList()) {
                    copyFile(file, copy.resolve(file.toString()));
                }
            }
        }
    }

    private static void copyFile(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
