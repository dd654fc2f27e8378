package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.train.CheckpointVersion1;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `--resume` and the run folder: it writes into the checkpoint's own folder unless --out is given,
 * and never replaces another run, a later step of the same run, nor trains a run on other data,
 * without --overwrite (the data, not even then).
 */
class ResumeIntoFolderTest {
    @TempDir
    static Path data;

    @TempDir
    Path runs;

    @BeforeAll
    static void writeData() {
        SyntheticDigits.writeIdx(data, 200, 100, 28, 28);
    }

    private static String[] train(Path dataDir, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--threads", "2", "--data",
                dataDir.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** A new run of {@code epochs} epochs in {@code out}. */
    private static Path newRun(Path out, int epochs) {
        CliRunner run = CliRunner.run(train(data, "--out", out.toString(), "--hidden", "32", "--latent", "4",
                "--batch-size", "50", "--limit", "100", "--epochs", Integer.toString(epochs)));
        assertEquals(0, run.exitCode(), run.toString());
        return out.resolve("checkpoint.vae");
    }

    private static String id(Path checkpoint) {
        return CheckpointFile.read(checkpoint).identity().id();
    }

    @Test
    void resumingIntoAFolderOfAnotherRunIsRefusedAndLeavesItAsItWas() throws IOException {
        Path a = newRun(runs.resolve("a"), 2);
        Path b = newRun(runs.resolve("b"), 4);
        byte[] bCheckpoint = Files.readAllBytes(b);
        List<String> bMetrics = Files.readAllLines(b.resolveSibling("metrics.csv"));

        CliRunner refused = CliRunner.run(train(data, "--resume", a.toString(), "--epochs", "3", "--out",
                b.getParent().toString()));
        refused.assertOneLineError(2, "holds another run: " + b + " (run " + id(b) + ", step 8, end of epoch 4), not "
                + a + " (run " + id(a) + ", step 4, end of epoch 2)");
        assertArrayEquals(bCheckpoint, Files.readAllBytes(b));
        assertEquals(bMetrics, Files.readAllLines(b.resolveSibling("metrics.csv")));

        CliRunner replaced = CliRunner.run(train(data, "--resume", a.toString(), "--epochs", "3", "--out",
                b.getParent().toString(), "--overwrite"));
        assertEquals(0, replaced.exitCode(), replaced.toString());
        assertEquals(id(a), id(b), "b now holds run a");
        List<String> aRows = Files.readAllLines(a.resolveSibling("metrics.csv"));
        assertEquals(aRows, Files.readAllLines(b.resolveSibling("metrics.csv")).subList(0, 3),
                "b's metrics.csv: run a's rows of epochs 1 and 2, then epoch 3; none of b's old run");
    }

    /**
     * A new run where a run is: the refusal suggests resuming up to --epochs when the run has trained
     * fewer, else --epochs more, as far as its schedule goes; never a resume that trains nothing.
     */
    @Test
    void aNewRunOverARunSuggestsOnlyAResumeThatTrains() throws IOException {
        Path a = newRun(runs.resolve("a"), 2);
        String remedy = "; %s with: vae-cuda train --resume " + a + " --epochs %d --data " + data + ", or start again with: ";
        String[] again = train(data, "--out", a.getParent().toString(), "--epochs", "");
        for (int[] epochsAndTotal : new int[][] {{3, 3}, {2, 4}, {1, 3}}) {
            again[again.length - 1] = Integer.toString(epochsAndTotal[0]);
            CliRunner.run(again).assertOneLineError(2, a.getParent() + " already holds a run: " + a + " (run " + id(a)
                    + ", step 4, end of epoch 2)" + String.format(remedy, epochsAndTotal[0] > 2 ? "continue it"
                    : "train it further", epochsAndTotal[1]));
        }

        Path iwae = runs.resolve("iwae").resolve("checkpoint.vae");
        assertEquals(0, CliRunner.run(train(data, "--out", iwae.getParent().toString(), "--hidden", "32", "--latent",
                "4", "--batch-size", "50", "--limit", "100", "--lr-schedule", "iwae", "--epochs", "1")).exitCode());
        Checkpoint one = CheckpointFile.read(iwae);
        for (int done : new int[] {3279, 3280}) {
            CheckpointFile.write(iwae, new Checkpoint(one.config(), one.identity(), one.step(), done, 0, 0,
                    one.parameters(), one.firstMoment(), one.secondMoment()));
            CliRunner refused = CliRunner.run(train(data, "--out", iwae.getParent().toString(), "--epochs", "5"));
            refused.assertOneLineError(2, "end of epoch " + done + "); " + (done == 3279
                    ? "train it further with: vae-cuda train --resume " + iwae + " --epochs 3280 --data " + data + ", or "
                    : "") + "start again with: vae-cuda train ");
        }
        Files.writeString(iwae, "damaged");
        CliRunner.run(train(data, "--out", iwae.getParent().toString(), "--epochs", "5")).assertOneLineError(2,
                iwae.getParent() + " already holds a run whose checkpoint cannot be read (" + iwae
                        + ": not a vae-cuda checkpoint (magic: expected \"VAECKPT\\0\")); start again with: vae-cuda train ");
    }

    @Test
    void withoutOutAResumedRunWritesIntoItsCheckpointsFolder() throws IOException {
        Path a = newRun(runs.resolve("a"), 1);
        String run = id(a);
        CliRunner resumed = CliRunner.run(train(data, "--resume", a.toString(), "--epochs", "2"));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        Checkpoint after = CheckpointFile.read(a);
        assertEquals(2, after.epochsCompleted());
        assertEquals(run, after.identity().id(), "the run keeps its identity through a resume");
        assertEquals(1 + 2, Files.readAllLines(a.resolveSibling("metrics.csv")).size());
    }

    @Test
    void anEarlierStepOfTheSameRunDoesNotReplaceALaterOne() throws IOException {
        Path a = newRun(runs.resolve("a"), 1);
        Path earlier = Files.copy(a, runs.resolve("epoch1.vae"));
        assertEquals(0, CliRunner.run(train(data, "--resume", a.toString(), "--epochs", "2")).exitCode());
        byte[] later = Files.readAllBytes(a);

        CliRunner refused = CliRunner.run(train(data, "--resume", earlier.toString(), "--epochs", "3", "--out",
                a.getParent().toString()));
        refused.assertOneLineError(2, "holds a later step of the same run: " + a + " (run " + id(a)
                + ", step 4, end of epoch 2), after " + earlier + " (run " + id(a) + ", step 2, end of epoch 1)");
        assertArrayEquals(later, Files.readAllBytes(a));
    }

    @Test
    void resumingOnOtherDataIsRefusedNamingBoth() throws IOException {
        Path a = newRun(runs.resolve("a"), 1);
        Path other = runs.resolve("other-data");
        SyntheticDigits.writeIdx(other, 200, 101, 28, 28);
        CliRunner refused = CliRunner.run(train(other, "--resume", a.toString(), "--epochs", "2", "--overwrite"));
        refused.assertOneLineError(2, other + " holds other data (data sha256 ");
        assertTrue(refused.err().contains("IDX files of 156816, 208, 79200, 109 bytes) than " + a + " (run " + id(a)
                + ", step 2, end of epoch 1) trained on (data sha256 "), refused.toString());
        assertTrue(refused.err().contains("IDX files of 156816, 208, 78416, 108 bytes); "), refused.toString());
    }

    @Test
    void aCheckpointOfFormat1ContinuesAsARunWithANewIdentity() throws IOException {
        Path a = newRun(runs.resolve("a"), 1);
        Files.write(a, CheckpointVersion1.from(Files.readAllBytes(a)));
        CliRunner resumed = CliRunner.run(train(data, "--resume", a.toString(), "--epochs", "2"));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains(a + " has no run identity (checkpoint format 1): it continues as run "),
                resumed.toString());
        assertNotNull(CheckpointFile.read(a).identity(), "written again in the current format");
    }
}
