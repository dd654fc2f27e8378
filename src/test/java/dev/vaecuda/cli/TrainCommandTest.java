package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainCommandTest {
    @TempDir
    static Path data;

    @TempDir
    Path runs;

    @BeforeAll
    static void writeData() {
        SyntheticDigits.writeIdx(data, 300, 100, 28, 28);
    }

    private String[] train(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--device", "cpu", "--threads", "2",
                "--data", data.toString(), "--out", out.toString(), "--hidden", "32", "--latent", "4",
                "--batch-size", "50"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void trainsResumesAndAppends() throws IOException {
        Path out = runs.resolve("run");
        CliRunner first = CliRunner.run(train(out, "--epochs", "2"));
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().contains("device: cpu"), first.toString());
        assertTrue(first.out().contains("epoch 2/2  train_loss "), first.toString());
        for (String file : List.of("metrics.csv", "checkpoint.vae", "config.json")) {
            assertTrue(Files.exists(out.resolve(file)), file);
        }
        CliRunner again = CliRunner.run(train(out, "--epochs", "3"));
        again.assertOneLineError(2, "already holds a run");

        CliRunner resumed = CliRunner.run("train", "--device", "cpu", "--data", data.toString(), "--out", out.toString(),
                "--resume", out.resolve("checkpoint.vae").toString(), "--epochs", "3");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains("epoch 3/3"), resumed.toString());
        assertTrue(!resumed.out().contains("epoch 2/3"), resumed.toString());
        assertEquals(1 + 3, Files.readAllLines(out.resolve("metrics.csv")).size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--batch-size|0|--batch-size must be >= 1, got 0",
        "--lr|-0.001|--lr must be a finite number > 0, got -0.001",
        "--latent|0|--latent must be 1..16777216, got 0",
        "--latent|16777217|--latent must be 1..16777216, got 16777217",
        "--epochs|0|--epochs must be >= 1, got 0",
        "--hidden|400,0|--hidden must be 1..16777216, got 0",
        "--hidden|1000000,1000000|parameters, more than the 2147483647 a buffer holds",
        "--batch-size|100000000|--batch-size 100000000 makes activations of 78400000000 floats, more than",
        "--beta|-1|--beta must be a finite number >= 0",
        "--beta|NaN|--beta must be a finite number >= 0, got NaN",
        "--lr|NaN|--lr must be a finite number > 0, got NaN",
        "--lr|Infinity|--lr must be a finite number > 0, got Infinity",
        "--limit|-1|--limit must be >= 0, got -1",
        "--epochs|-3|--epochs must be >= 1, got -3",
        "--seed|abc|Invalid value for option '--seed'",
        "--no-such-option|1|Unknown options: '--no-such-option', '1'",
        "--loss|l1|--loss must be bce or mse, got 'l1'",
        "--activation|sigmoid|--activation must be relu or tanh, got 'sigmoid'",
        "--init|he|--init must be pytorch or glorot, got 'he'",
        "--lr-schedule|cosine|--lr-schedule must be constant or iwae, got 'cosine'",
        "--adam-eps|0|--adam-eps must be a finite number > 0, got 0.0",
        "--dataset|cifar|--dataset must be mnist, fashion-mnist, cifar10 or folder",
        "--image-size|0|--image-size must be >= 1, got 0",
        "--image-channels|2|--image-channels must be 1 or 3, got 2",
        "--test-fraction|1|--test-fraction must be between 0 and 1, got 1.0",
        "--threads|0|--threads must be >= 1, got 0",
        "--figures-every|0|--figures-every must be >= 1, got 0",
        "--device|tpu|Invalid value for option '--device'",
        "--batch-size|many|Invalid value for option '--batch-size'",
    })
    void badOptionsAreUsageErrors(String option, String value, String message) {
        CliRunner result = CliRunner.run("train", "--device", "cpu", "--data", data.toString(),
                "--out", runs.resolve("bad").toString(), option, value);
        result.assertOneLineError(2, message);
        assertTrue(Files.notExists(runs.resolve("bad").resolve("checkpoint.vae")));
    }

    @Test
    void aBatchLargerThanTheTrainingSetIsRefusedNamingBoth() {
        CliRunner.run(batchOf(301, "big")).assertOneLineError(2,
                "--batch-size 301 is more than the 300 training images in " + data);
        CliRunner.run(batchOf(101, "big", "--limit", "100")).assertOneLineError(2,
                "--batch-size 101 is more than the 100 training images that --limit 100 keeps");
        assertTrue(Files.notExists(runs.resolve("big").resolve("checkpoint.vae")));
        CliRunner whole = CliRunner.run(batchOf(300, "whole", "--epochs", "1"));
        assertEquals(0, whole.exitCode(), whole.toString());
        assertTrue(whole.out().contains("batch 300, epochs 1..1"), whole.toString());
    }

    /** {@link #train} with another --batch-size, into runs/{@code out}. */
    private String[] batchOf(int batchSize, String out, String... extra) {
        String[] args = train(runs.resolve(out), extra);
        args[List.of(args).indexOf("--batch-size") + 1] = Integer.toString(batchSize);
        return args;
    }

    @Test
    void epochsPastTheIwaeScheduleAreRefused() {
        CliRunner result = CliRunner.run("train", "--device", "cpu", "--data", data.toString(),
                "--out", runs.resolve("long").toString(), "--lr-schedule", "iwae", "--epochs", "3281");
        result.assertOneLineError(2, "--epochs 3281 is past the end of the iwae learning rate schedule (3280 epochs)");
    }

    @Test
    void missingDataIsAFailureNamingThePath() {
        Path missing = runs.resolve("nowhere");
        CliRunner result = CliRunner.run("train", "--device", "cpu", "--data", missing.toString(), "--out",
                runs.resolve("x").toString());
        result.assertOneLineError(1, missing.toString());
    }

    @Test
    void aFileWhereAFolderBelongsIsCalledAFile() throws IOException {
        Path file = Files.writeString(runs.resolve("README.md"), "# a file\n");
        CliRunner.run("train", "--device", "cpu", "--data", file.toString(), "--out", runs.resolve("x").toString())
                .assertOneLineError(1, file + ": a file, not a folder; expected the folder that holds the IDX files");
        CliRunner.run(train(file)).assertOneLineError(1, file + ": a file, not a folder; --out names the folder a run"
                + " writes its files into");
        assertEquals("# a file\n", Files.readString(file));
    }

    @Test
    void aFileThatIsNotACheckpointIsAFailure() throws IOException {
        Path fake = Files.writeString(runs.resolve("fake.vae"), "hello, not a checkpoint");
        CliRunner result = CliRunner.run(train(runs.resolve("r"), "--resume", fake.toString()));
        result.assertOneLineError(1, "not a vae-cuda checkpoint");
    }

    @Test
    void verboseShowsTheStackTrace() throws IOException {
        Path fake = Files.writeString(runs.resolve("fake.vae"), "nope");
        CliRunner result = CliRunner.run(train(runs.resolve("r"), "--resume", fake.toString(), "--verbose"));
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("\tat "), result.toString());
    }

    @Test
    void helpShowsDefaults() {
        CliRunner result = CliRunner.run("train", "--help");
        assertEquals(0, result.exitCode());
        for (String expected : List.of("--batch-size", "(default: 128)", "--lr", "(default: 1e-3)", "--latent",
                "(default: 20)", "auto, cpu, cuda, emulated")) {
            assertTrue(result.out().contains(expected), expected + " in\n" + result.out());
        }
    }

    @Test
    void noCommandIsAUsageError() {
        CliRunner.run().assertOneLineError(2, "missing command");
    }
}
