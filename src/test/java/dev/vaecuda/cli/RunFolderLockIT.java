package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.train.RunFolderLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run at a time in a folder, between processes of the built jar: while a run trains, a second
 * train, a --resume and an --overwrite into its folder are refused (exit 2) naming the folder and the
 * process, and the first run's files are its own, while eval and sample read it; a run killed
 * with SIGKILL leaves no lock behind.
 */
class RunFolderLockIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeData() {
        SyntheticDigits.writeIdx(data, 3000, 200, 28, 28);
    }

    private ChildProcess train(Path out, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "train", "--device", "cpu",
                "--threads", "1", "--data", data.toString(), "--out", out.toString(), "--hidden", "128", "--latent", "8"));
        command.addAll(List.of(extra));
        return ChildProcess.start(command, dir);
    }

    private static void assertRefused(ChildProcess refused, Path out, ChildProcess holder) throws Exception {
        assertEquals(2, refused.waitFor(), refused.toString());
        assertEquals("error: " + out + " is in use by process " + holder.process().pid() + ", a run writing there;"
                + " one run at a time in a folder: wait for it to end, or give another --out\n", refused.err(),
                refused.toString());
        assertTrue(holder.process().isAlive(), "refused while the first run trained: " + holder);
    }

    @Test
    void aSecondRunIntoTheFolderOfARunningOneIsRefusedAndTheFirstRunsFilesAreItsOwn() throws Exception {
        Path out = dir.resolve("same");
        ChildProcess first = train(out, "--seed", "5", "--batch-size", "20", "--epochs", "1000");
        first.awaitOutput("training mnist: ");
        assertRefused(train(out, "--seed", "2", "--epochs", "2"), out, first);
        assertRefused(train(out, "--seed", "2", "--epochs", "2", "--overwrite"), out, first);
        first.awaitOutput("epoch 1/1000 ");
        assertRefused(train(out, "--resume", out.resolve("checkpoint.vae").toString(), "--epochs", "1000"), out, first);
        // commands that only read the run are not refused
        String checkpoint = out.resolve("checkpoint.vae").toString();
        for (List<String> reader : List.of(List.of("eval", "--checkpoint", checkpoint, "--data", data.toString()),
                List.of("sample", "--checkpoint", checkpoint, "--out", dir.resolve("samples.png").toString()))) {
            List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
            command.addAll(reader);
            ChildProcess read = ChildProcess.start(command, dir);
            assertEquals(0, read.waitFor(), read.toString());
        }
        assertTrue(first.process().isAlive(), "read while the first run trained");
        first.signal("INT");
        assertEquals(130, first.waitFor(), first.toString());

        Checkpoint saved = CheckpointFile.read(out.resolve("checkpoint.vae"));
        assertEquals(5, saved.config().training().seed());
        assertEquals(IntStream.rangeClosed(1, saved.epochsCompleted()).mapToObj(String::valueOf).toList(),
                epochColumn(out), "one row per epoch of the first run, none of another");
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"seed\": 5"), "the first run's config.json");
    }

    @Test
    void aRunKilledWithSigkillLeavesNoLockBehind() throws Exception {
        Path out = dir.resolve("killed");
        ChildProcess killed = train(out, "--limit", "200", "--batch-size", "100", "--epochs", "1000");
        killed.awaitOutput("epoch 1/1000 ");
        String resume = out.resolve("checkpoint.vae").toString();
        assertRefused(train(out, "--resume", resume, "--epochs", "1000"), out, killed);
        killed.signal("KILL");
        assertEquals(128 + 9, killed.waitFor(), killed.toString());
        assertEquals(killed.process().pid() + "\n", Files.readString(out.resolve(RunFolderLock.FILE)),
                "the file keeps the killed run's PID; only the lock, which died with it, counts");

        int epochs = CheckpointFile.read(out.resolve("checkpoint.vae")).epochsCompleted() + 1;
        ChildProcess resumed = train(out, "--resume", resume, "--epochs", String.valueOf(epochs));
        assertEquals(0, resumed.waitFor(), resumed.toString());
        assertEquals(epochs, CheckpointFile.read(out.resolve("checkpoint.vae")).epochsCompleted());
        assertEquals(IntStream.rangeClosed(1, epochs).mapToObj(String::valueOf).toList(), epochColumn(out));
    }

    private static List<String> epochColumn(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().skip(1).map(row -> row.substring(0, row.indexOf(',')))
                .toList();
    }

    @Test
    void aRefusalInsideTheProcessThatHoldsTheLockKeepsIt() throws Exception {
        Path out = dir.resolve("held");
        try (RunFolderLock _ = RunFolderLock.acquire(out)) {
            assertThrows(VaeCudaException.class, () -> RunFolderLock.acquire(out));
            // closing any channel to the lock file would have dropped this process's lock
            ChildProcess other = train(out, "--epochs", "1");
            assertEquals(2, other.waitFor(), other.toString());
            assertTrue(other.err().startsWith("error: " + out + " is in use by process " + ProcessHandle.current().pid()
                    + ", "), other.toString());
        }
        assertTrue(Files.notExists(out.resolve("checkpoint.vae")));
    }
}
