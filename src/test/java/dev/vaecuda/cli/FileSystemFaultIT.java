package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.CheckpointFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output folder's file system refuses a checkpoint in the middle of its save, and the run
 * stops with one line and exit 1, leaving the last good checkpoint and metrics.csv as they were
 * and resumable. The fault is real, and holds as root too (where a read-only folder would not):
 * the shell's {@code ulimit -f} caps the size of any file the process writes, so the write of
 * epoch 2's checkpoint fails part way with EFBIG, as on a full disk (ENOSPC), both an IOException
 * from the same write. Runs after `package` (maven-failsafe-plugin), which passes the jar.
 */
class FileSystemFaultIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // KiB: above the pictures, metrics.csv and config.json, below the checkpoint (about 600 KiB)
    private static final int FILE_SIZE_LIMIT_KIB = 100;

    @TempDir
    Path dir;

    private List<String> train(Path data, Path out, String... extra) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "train", "--device", "cpu",
                "--threads", "2", "--data", data.toString(), "--out", out.toString(), "--hidden", "32", "--latent", "4",
                "--batch-size", "50"));
        command.addAll(List.of(extra));
        return command;
    }

    @Test
    void aCheckpointTheFileSystemRefusesStopsTheRunAndKeepsTheLastGoodOne() throws Exception {
        Path data = dir.resolve("data");
        SyntheticDigits.writeIdx(data, 200, 100, 28, 28);
        Path out = dir.resolve("run");
        ChildProcess first = ChildProcess.start(train(data, out, "--epochs", "1"), dir);
        assertEquals(0, first.waitFor(), first.toString());
        Path checkpoint = out.resolve("checkpoint.vae");
        byte[] good = Files.readAllBytes(checkpoint);
        assertTrue(good.length > FILE_SIZE_LIMIT_KIB * 1024, good.length + " bytes");
        List<String> firstRows = Files.readAllLines(out.resolve("metrics.csv"));

        List<String> capped = List.of("bash", "-c", "ulimit -f " + FILE_SIZE_LIMIT_KIB + " && exec \"$@\"", "bash");
        List<String> resume = train(data, out, "--resume", checkpoint.toString(), "--epochs", "3");
        ChildProcess faulty = ChildProcess.start(concat(capped, resume), dir);
        assertEquals(1, faulty.waitFor(), faulty.toString());
        assertEquals("error: " + checkpoint + ": cannot write checkpoint: File too large", faulty.err().strip(),
                faulty.toString());
        assertTrue(faulty.out().contains("epoch 2/3 "), "the fault came at epoch 2's save: " + faulty);

        assertArrayEquals(good, Files.readAllBytes(checkpoint), "the last good checkpoint is untouched");
        assertTrue(Files.notExists(out.resolve("checkpoint.vae.tmp")), "the half-written file is removed");
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(firstRows, rows.subList(0, 2), "metrics.csv keeps its rows");
        assertEquals(1, CheckpointFile.read(checkpoint).epochsCompleted());

        ChildProcess resumed = ChildProcess.start(resume, dir);
        assertEquals(0, resumed.waitFor(), resumed.toString());
        assertEquals(List.of("1", "2", "3"), Files.readAllLines(out.resolve("metrics.csv")).stream().skip(1)
                .map(line -> line.substring(0, line.indexOf(','))).toList(), "one row per epoch, none doubled");
        assertEquals(firstRows.get(1), Files.readAllLines(out.resolve("metrics.csv")).get(1));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
