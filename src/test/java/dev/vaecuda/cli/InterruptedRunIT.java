package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built jar in a process of its own, stopped by real signals: SIGINT and SIGTERM finish the
 * step under way, save a checkpoint inside the epoch and exit 130 and 143, and `--resume` then
 * ends at the parameters of a run never stopped, bit for bit (CPU, fixed --threads and --seed);
 * SIGKILL at random moments never leaves a damaged checkpoint.vae nor a metrics.csv that a
 * resume cannot continue; an eval stopped by SIGINT says so and writes nothing. Runs after
 * `package` (maven-failsafe-plugin), which passes the jar.
 */
class InterruptedRunIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final int EPOCHS = 2;
    /** 3000 images in batches of 20. */
    private static final int BATCHES = 150;

    @TempDir
    static Path shared;

    private static Path data;
    private static Path uninterrupted;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainWithoutStopping() throws Exception {
        data = shared.resolve("data");
        SyntheticDigits.writeIdx(data, 3000, 200, 28, 28);
        uninterrupted = shared.resolve("uninterrupted");
        ChildProcess run = ChildProcess.start(train(uninterrupted, "--epochs", String.valueOf(EPOCHS)), shared);
        assertEquals(0, run.waitFor(), run.toString());
    }

    private static List<String> train(Path out, String... extra) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "train", "--device", "cpu",
                "--threads", "2", "--seed", "5", "--data", data.toString(), "--out", out.toString(), "--hidden", "128",
                "--latent", "8", "--batch-size", "20"));
        command.addAll(List.of(extra));
        return command;
    }

    @ParameterizedTest(name = "SIG{0} exits {1}")
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalSavesTheStepAndAResumeEndsBitForBitWhereAnUninterruptedRunEnds(String signal, int exitCode)
            throws Exception {
        Path out = dir.resolve("run");
        ChildProcess run = ChildProcess.start(train(out, "--epochs", String.valueOf(EPOCHS)), dir);
        // once epoch 1 is printed, the signal lands in epoch 2: while its checkpoint and pictures are
        // written, or during its steps; either way training stops after a step of epoch 2
        run.awaitOutput("epoch 1/" + EPOCHS + " ");
        run.signal(signal);
        assertEquals(exitCode, run.waitFor(), run.toString());
        assertEquals("", run.err(), run.toString());
        Matcher stopped = Pattern.compile("SIG" + signal + ": stopped after step (\\d+) \\(epoch 2, batch (\\d+) of "
                + BATCHES + "\\), saved in " + Pattern.quote(out.resolve("checkpoint.vae").toString())
                + "\ncontinue with: \\S.* train --resume \\S+ --epochs " + EPOCHS).matcher(run.out());
        assertTrue(stopped.find(), run.toString());
        Checkpoint saved = CheckpointFile.read(out.resolve("checkpoint.vae"));
        assertEquals(1, saved.epochsCompleted());
        assertEquals(Integer.parseInt(stopped.group(2)), saved.batchesIntoEpoch());
        assertEquals(Long.parseLong(stopped.group(1)), saved.step());
        assertTrue(saved.batchesIntoEpoch() > 0 && saved.batchesIntoEpoch() < BATCHES, "inside epoch 2");
        assertEquals(1 + 1, Files.readAllLines(out.resolve("metrics.csv")).size(), "a row for epoch 1 only");

        ChildProcess resumed = ChildProcess.start(List.of(JAVA, "-jar", JAR.toString(), "train", "--device", "cpu", "--threads", "2",
                "--data", data.toString(), "--out", out.toString(), "--resume", out.resolve("checkpoint.vae").toString(),
                "--epochs", String.valueOf(EPOCHS)), dir);
        assertEquals(0, resumed.waitFor(), resumed.toString());
        assertTrue(resumed.out().contains(", epoch 2 from batch " + (saved.batchesIntoEpoch() + 1) + " of " + BATCHES),
                resumed.toString());
        assertSameState(uninterrupted, out);
    }

    /** Parameters, Adam moments and step bit for bit; the losses of every epoch in metrics.csv, one row each. */
    private static void assertSameState(Path expected, Path actual) throws IOException {
        Checkpoint a = CheckpointFile.read(expected.resolve("checkpoint.vae"));
        Checkpoint b = CheckpointFile.read(actual.resolve("checkpoint.vae"));
        assertEquals(a.step(), b.step());
        assertArrayEquals(a.parameters(), b.parameters(), "parameters");
        assertArrayEquals(a.firstMoment(), b.firstMoment(), "Adam first moment");
        assertArrayEquals(a.secondMoment(), b.secondMoment(), "Adam second moment");
        assertEquals(losses(expected), losses(actual), "epoch, train_loss, test_loss of every row");
    }

    private static List<String> losses(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(line -> String.join(",", List.of(line.split(",")).subList(0, 3))).toList();
    }

    @Test
    void sigkillAtRandomMomentsNeverLeavesADamagedCheckpoint() throws Exception {
        // 2 steps an epoch, so checkpoints and metrics rows are written all the time
        Path out = dir.resolve("run");
        SplittableRandom random = new SplittableRandom();
        int epochs = 0;
        for (int kill = 1; kill <= 3; kill++) {
            List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString(), "train", "--device", "cpu",
                    "--threads", "2", "--data", data.toString(), "--out", out.toString(), "--limit", "200",
                    "--hidden", "32", "--latent", "4", "--batch-size", "100", "--epochs", "1000"));
            if (Files.exists(out.resolve("checkpoint.vae"))) {
                command.addAll(List.of("--resume", out.resolve("checkpoint.vae").toString()));
            }
            ChildProcess run = ChildProcess.start(command, dir);
            // the line of epoch e + 2 comes after epoch e + 1 was saved: then kill at a random moment
            run.awaitOutput("epoch " + (epochs + 2) + "/1000 ");
            Thread.sleep(random.nextInt(0, 500));
            run.signal("KILL");
            assertEquals(128 + 9, run.waitFor(), run.toString());

            Checkpoint saved = CheckpointFile.read(out.resolve("checkpoint.vae"));
            assertTrue(saved.epochsCompleted() > epochs, "kill " + kill + ": progress was saved");
            epochs = saved.epochsCompleted();
            List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
            // the row of the epoch being saved may precede its checkpoint; a resume drops it
            assertTrue(rows.size() - 1 == epochs || rows.size() - 1 == epochs + 1, "kill " + kill + ": " + rows.size()
                    + " lines in metrics.csv, checkpoint after epoch " + epochs);
        }
        ChildProcess finish = ChildProcess.start(List.of(JAVA, "-jar", JAR.toString(), "train", "--device", "cpu", "--threads", "2",
                "--data", data.toString(), "--out", out.toString(), "--resume", out.resolve("checkpoint.vae").toString(),
                "--epochs", String.valueOf(epochs + 1)), dir);
        assertEquals(0, finish.waitFor(), finish.toString());
        List<String> epochColumn = Files.readAllLines(out.resolve("metrics.csv")).stream().skip(1)
                .map(line -> line.substring(0, line.indexOf(','))).toList();
        assertEquals(java.util.stream.IntStream.rangeClosed(1, epochs + 1).mapToObj(String::valueOf).toList(), epochColumn,
                "one row per epoch, in order, none lost or doubled");
    }

    @Test
    void anEvalStoppedBySigintSaysSoAndWritesNothing() throws Exception {
        Path csv = dir.resolve("eval.csv");
        ChildProcess eval = ChildProcess.start(List.of(JAVA, "-jar", JAR.toString(), "eval", "--device", "cpu",
                "--threads", "2", "--checkpoint", uninterrupted.resolve("checkpoint.vae").toString(), "--data",
                data.toString(), "--iw-samples", "20000", "--out", csv.toString()), dir);
        eval.awaitOutput("evaluating ");
        eval.signal("INT");
        assertEquals(130, eval.waitFor(), eval.toString());
        assertTrue(eval.out().endsWith("\nSIGINT: eval stopped; nothing was written\n"), eval.toString());
        assertEquals("", eval.err(), eval.toString());
        assertTrue(Files.notExists(csv));
    }

    @Test
    void runningOutOfJavaHeapIsOneLineAndExit1() throws Exception {
        // about 160 million parameters: 640 MB for the parameters alone, in a 256 MiB heap
        ChildProcess run = ChildProcess.start(List.of(JAVA, "-Xmx256m", "-jar", JAR.toString(), "train", "--device", "cpu",
                "--data", data.toString(), "--out", dir.resolve("run").toString(), "--hidden", "100000"), dir);
        assertEquals(1, run.waitFor(), run.toString());
        assertTrue(run.err().matches("error: out of memory \\(Java heap space\\): the Java heap holds at most \\d+ MiB;"
                + " use a smaller model, --batch-size or --limit, or give java more with -Xmx\\s*"), run.toString());
        assertTrue(Files.notExists(dir.resolve("run").resolve("checkpoint.vae")));
    }
}
