package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.EvaluationCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data options every command that reads a data set shares: listed by each, checked by each,
 * a checkpoint's run's data by default and other images refused; eval's bits per dimension.
 */
class DataOptionsTest {
    private static final List<String> OPTIONS = List.of("--dataset", "--data", "--image-size", "--image-channels",
            "--cache", "--test-fraction", "--strict");

    @TempDir
    static Path shared;

    @TempDir
    Path out;

    private static Path data;
    private static Path checkpoint;

    /** A tiny MLP trained with --dataset fashion-mnist on 8x8 synthetic images (labels 0..9 suit it). */
    @BeforeAll
    static void trainATinyModel() {
        data = shared.resolve("data");
        SyntheticDigits.writeIdx(data, 200, 50, 8, 8);
        Path run = shared.resolve("run");
        CliRunner trained = CliRunner.run("train", "--device", "cpu", "--threads", "2", "--dataset", "fashion-mnist",
                "--data", data.toString(), "--out", run.toString(), "--hidden", "16", "--latent", "2",
                "--batch-size", "50", "--epochs", "1");
        assertEquals(0, trained.exitCode(), trained.toString());
        assertTrue(trained.out().contains("\ntraining fashion-mnist: 200 train / 50 test images, "), trained.toString());
        checkpoint = run.resolve("checkpoint.vae");
    }

    /** {@code command} with its required options and {@code extra}. */
    private List<String> args(String command, String... extra) {
        List<String> args = new ArrayList<>(List.of(command));
        if (List.of("eval", "reconstruct", "interpolate", "latent").contains(command)) {
            args.addAll(List.of("--checkpoint", checkpoint.toString(), "--device", "cpu", "--threads", "2"));
        }
        args.addAll(List.of("--out", out.resolve(command).toString()));
        args.addAll(List.of(extra));
        return args;
    }

    @ParameterizedTest
    @ValueSource(strings = {"show-data", "export-images", "train", "eval", "reconstruct", "interpolate", "latent"})
    void everyCommandThatReadsDataTakesTheDataOptions(String command) {
        CliRunner help = CliRunner.run(command, "--help");
        assertEquals(0, help.exitCode(), help.toString());
        for (String option : OPTIONS) {
            assertTrue(help.out().contains("[" + option + "=") || help.out().contains("[" + option + "]"),
                    option + " in\n" + help);
        }
        assertTrue(help.out().contains("Not --channels"), help.toString());
        CliRunner.run(args(command, "--image-channels", "2").toArray(String[]::new))
                .assertOneLineError(2, "--image-channels must be 1 or 3, got 2");
        CliRunner.run(args(command, "--dataset", "cifar").toArray(String[]::new))
                .assertOneLineError(2, "--dataset must be mnist, fashion-mnist, cifar10 or folder, got 'cifar'");
    }

    /** Without --dataset, eval reads the data set the run trained on: fashion-mnist's default folder, here absent. */
    @Test
    void aCheckpointDefaultsToTheDataSetItsRunTrainedOn() {
        CliRunner.run(args("eval").toArray(String[]::new)).assertOneLineError(1, "fashion-mnist");
    }

    @Test
    void imagesOfAnotherShapeThanTheModelTakesAreOneLineNamingBoth() {
        Path larger = out.resolve("larger");
        SyntheticDigits.writeIdx(larger, 20, 20, 12, 12);
        for (String command : List.of("eval", "reconstruct", "interpolate", "latent")) {
            CliRunner.run(args(command, "--data", larger.toString()).toArray(String[]::new)).assertOneLineError(1,
                    "the images of " + larger + " are 1x12x12 (channels x height x width), the model of " + checkpoint
                            + " takes 1x8x8: give the data it trained on with --dataset and --data");
        }
    }

    /** nats / (C x H x W x ln 2) beside each of the negative ELBO and -log p(x), on the console and in eval.csv. */
    @Test
    void evalGivesBitsPerDimensionBesideNats() throws IOException {
        CliRunner eval = CliRunner.run(args("eval", "--data", data.toString(), "--iw-samples", "4").toArray(String[]::new));
        assertEquals(0, eval.exitCode(), eval.toString());
        for (String figure : List.of("negative ELBO", "-log p(x), K = 4")) {
            double nats = eval.figure(figure);
            String line = eval.out().lines().filter(l -> l.startsWith(figure)).findFirst().orElseThrow();
            double bits = Double.parseDouble(line.replaceAll(".* nats +([0-9.]+) bits/dim$", "$1"));
            assertEquals(nats / (64 * Math.log(2)), bits, 1e-4, line);
        }
        List<String> rows = Files.readAllLines(out.resolve("eval").resolve("eval.csv"));
        assertEquals(EvaluationCsv.HEADER, rows.getFirst());
        assertTrue(EvaluationCsv.HEADER.startsWith("image,label,loss,negative_elbo,negative_log_likelihood,"));
        String[] first = rows.get(1).split(",");
        assertEquals(Double.parseDouble(first[3]) / (64 * Math.log(2)), Double.parseDouble(first[5]), 1e-5, rows.get(1));
        assertEquals(Double.parseDouble(first[4]) / (64 * Math.log(2)), Double.parseDouble(first[6]), 1e-5, rows.get(1));
    }
}
