package dev.vaecuda.cli;

import static dev.vaecuda.cli.CliRunner.okOnCpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.viz.PngChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny conv model (--channels 4,8 on 28x28 images) through every command on the CPU, and on
 * the emulated CUDA backend; the options that shape it are checked.
 */
class ConvCommandsTest {
    private static final String MODEL = "model: conv 1x28x28 -> 4x14x14 -> 8x7x7 -> 4 latent (4x4 stride-2 convolutions, relu)";

    @TempDir
    Path out;

    /** Holds the data set and the run that the tests share. */
    @TempDir
    static Path shared;

    private static Path data;
    private static Path checkpoint;

    @BeforeAll
    static void trainATinyConvModel() {
        data = shared.resolve("data");
        SyntheticDigits.writeIdx(data, 512, 64, 28, 28);
        Path run = shared.resolve("run");
        CliRunner trained = CliRunner.run(train(run, "--epochs", "2"));
        assertEquals(0, trained.exitCode(), trained.toString());
        assertTrue(trained.out().contains("\n" + MODEL + "\ntraining mnist: 512 train / 64 test images, "), trained.toString());
        checkpoint = run.resolve("checkpoint.vae");
    }

    /** `train` of the conv model on the CPU into {@code out}, then {@code extra}. */
    private static String[] train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--threads", "2", "--data",
                data.toString(), "--out", out.toString(), "--arch", "conv", "--channels", "4,8", "--latent", "4",
                "--batch-size", "32", "--lr", "3e-3"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void theCheckpointAndConfigJsonRecordTheArchitecture() throws IOException {
        Checkpoint saved = CheckpointFile.read(checkpoint);
        assertEquals(Architecture.CONV, saved.config().model().architecture());
        assertEquals(List.of(4, 8), saved.config().model().channels());
        assertEquals(List.of(), saved.config().model().hidden());
        String json = Files.readString(checkpoint.resolveSibling("config.json"));
        assertTrue(json.contains("\"architecture\": \"CONV\"") && json.contains("\"activation\": \"RELU\""), json);
        assertTrue(json.replaceAll("\\s+", "").contains("\"channels\":[4,8]"), json);
    }

    /** Two epochs in one run, and one epoch resumed to two: the same parameters, Adam moments and losses, bit for bit. */
    @Test
    void aResumedConvRunEndsBitForBitWhereAnUninterruptedOneEnds() throws IOException {
        Path whole = out.resolve("whole"), split = out.resolve("split");
        assertEquals(0, CliRunner.run(train(whole, "--epochs", "2")).exitCode());
        assertEquals(0, CliRunner.run(train(split, "--epochs", "1")).exitCode());
        CliRunner resumed = CliRunner.run("train", "--device", "cpu", "--threads", "2", "--data", data.toString(),
                "--resume", split.resolve("checkpoint.vae").toString(), "--epochs", "2");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains(MODEL), resumed.toString());
        Checkpoint a = CheckpointFile.read(whole.resolve("checkpoint.vae")), b = CheckpointFile.read(split.resolve("checkpoint.vae"));
        assertEquals(a.step(), b.step());
        assertArrayEquals(a.parameters(), b.parameters(), "parameters");
        assertArrayEquals(a.firstMoment(), b.firstMoment(), "Adam first moment");
        assertArrayEquals(a.secondMoment(), b.secondMoment(), "Adam second moment");
        assertEquals(Files.readAllLines(whole.resolve("metrics.csv")).stream().map(ConvCommandsTest::losses).toList(),
                Files.readAllLines(split.resolve("metrics.csv")).stream().map(ConvCommandsTest::losses).toList());
    }

    /** A metrics.csv row without its timings. */
    private static String losses(String row) {
        String[] fields = row.split(",");
        return fields[0] + "," + fields[1] + "," + fields[2];
    }

    @Test
    void evalReproducesTrainsTestLossAndCountsActiveUnits() throws IOException {
        double reported = Double.parseDouble(Files.readAllLines(checkpoint.resolveSibling("metrics.csv")).getLast().split(",")[2]);
        CliRunner elbo = okOnCpu("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString());
        assertTrue(elbo.out().contains(MODEL + "\nevaluating " + checkpoint + " (end of epoch 2) on 64 test images"),
                elbo.toString());
        assertEquals(reported, elbo.figure("loss (reconstruction + beta * KL)"), 1e-4 * reported, elbo.toString());
        assertTrue(elbo.out().matches("(?s).*\nactive units \\(Cov_x\\(E_q\\[u]\\) > 0\\.01\\)  [0-4] of 4\n.*"),
                elbo.toString());
        CliRunner weighted = okOnCpu("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--iw-samples", "8");
        double k8 = weighted.figure("-log p(x), K = 8"), negativeElbo = elbo.figure("negative ELBO");
        assertTrue(k8 <= negativeElbo * 1.002, "K = 8: " + k8 + " against the negative ELBO " + negativeElbo);
    }

    @Test
    void theSamePicturesAsOfAnMlp() {
        CliRunner sampled = okOnCpu("sample", "--checkpoint", checkpoint.toString(), "--n", "16", "--out", out.toString());
        assertTrue(sampled.out().contains(MODEL), sampled.toString());
        PngChecks.readDigitGrid(out.resolve("samples.png"), 8, 2);
        okOnCpu("reconstruct", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--n", "8",
                "--out", out.toString());
        PngChecks.readDigitGrid(out.resolve("reconstructions.png"), 8, 2);
        okOnCpu("interpolate", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--pairs", "2", "--steps", "4",
                "--out", out.toString());
        PngChecks.readDigitGrid(out.resolve("interpolation.png"), 4 + 2, 2);
        okOnCpu("latent", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--out", out.toString());
        PngChecks.readNotBlank(out.resolve("latent.png"), 800, 700);
    }

    /** No GPU here: auto takes the CPU for a conv model as for an MLP, saying why in its device line. */
    @Test
    void autoTakesTheCpuForAConvModelWithoutAGpu() {
        CliRunner sampled = CliRunner.run("sample", "--device", "auto", "--threads", "2", "--checkpoint",
                checkpoint.toString(), "--out", out.toString());
        assertEquals(0, sampled.exitCode(), sampled.toString());
        assertTrue(sampled.out().startsWith("device: cpu, 2 threads, ")
                && sampled.out().contains(" (auto: CUDA unavailable: "), sampled.toString());
    }

    /** The CUDA backend's conv calls (on the emulator): the model's commands run, and eval agrees with the CPU's. */
    @Test
    void theEmulatedCudaBackendRunsAConvModel() {
        String model = checkpoint.toString(), images = data.toString();
        CliRunner cpu = okOnCpu("eval", "--checkpoint", model, "--data", images);
        CliRunner emulated = CliRunner.run("eval", "--checkpoint", model, "--data", images, "--device", "emulated");
        assertEquals(0, emulated.exitCode(), emulated.toString());
        assertTrue(emulated.out().startsWith("device: emulated") && emulated.out().contains(MODEL), emulated.toString());
        double expected = cpu.figure("negative ELBO");
        assertEquals(expected, emulated.figure("negative ELBO"), 1e-5 * expected, emulated.toString());
        List<String[]> commands = List.of(
                new String[] {"sample", "--checkpoint", model, "--n", "16", "--out", out.toString()},
                new String[] {"reconstruct", "--checkpoint", model, "--data", images, "--n", "8", "--out", out.toString()},
                new String[] {"train", "--data", images, "--out", out.resolve("run").toString(), "--arch", "conv",
                    "--channels", "4,8", "--latent", "4", "--limit", "64", "--batch-size", "32", "--epochs", "1"});
        for (String[] command : commands) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--device", "emulated"));
            CliRunner result = CliRunner.run(args.toArray(String[]::new));
            assertEquals(0, result.exitCode(), result.toString());
        }
        PngChecks.readDigitGrid(out.resolve("samples.png"), 8, 2);
    }

    @Test
    void channelsThatDoNotFitTheImagesAreAnOptionErrorNamingOnesThatDo() {
        CliRunner.run("train", "--device", "cpu", "--data", data.toString(), "--out", out.resolve("deep").toString(),
                "--arch", "conv", "--channels", "8,16,32").assertOneLineError(2,
                "a 28x28 image cannot be halved 3 times (one stride-2 convolution per --channels entry): its height and"
                        + " width must be multiples of 8; --channels 8,16 would fit");
        assertTrue(Files.notExists(out.resolve("deep").resolve("checkpoint.vae")));
    }

    @Test
    void channelsGoWithConvOnly() {
        for (String[] arch : new String[][] {{}, {"--arch", "mlp"}}) {
            List<String> args = new ArrayList<>(List.of("train", "--device", "cpu", "--data", data.toString(), "--out",
                    out.resolve("mlp").toString(), "--channels", "4"));
            args.addAll(List.of(arch));
            CliRunner.run(args.toArray(String[]::new)).assertOneLineError(2, "--channels goes with --arch conv only");
        }
        CliRunner.run("train", "--arch", "resnet", "--data", data.toString(), "--out", out.resolve("x").toString())
                .assertOneLineError(2, "--arch must be mlp or conv, got 'resnet'");
    }

    @Test
    void aResumeKeepsTheArchitectureAndChannels() {
        for (String[] option : new String[][] {{"--arch", "mlp", "mlp", "conv"}, {"--channels", "4,16", "[4, 16]", "[4, 8]"}}) {
            CliRunner.run("train", "--device", "cpu", "--data", data.toString(), "--out", out.resolve("r").toString(),
                    "--resume", checkpoint.toString(), "--epochs", "3", option[0], option[1]).assertOneLineError(2,
                    option[0] + " " + option[2] + " differs from the checkpoint's " + option[3]
                            + ": a resumed run keeps the model and training options it started with");
        }
    }

    @Test
    void helpDescribesArchAndChannels() {
        CliRunner help = CliRunner.run("train", "--help");
        assertEquals(0, help.exitCode(), help.toString());
        String text = help.out().replaceAll("\\s+", " ");
        for (String expected : List.of("--arch=KIND mlp (dense layers, as PyTorch's example) or conv",
                "--channels=N[,N...] --arch conv: the output channels of each convolution", "CPU only, for now", "(default: 32,64)",
                "(default: 400 for mlp, none for conv)")) {
            assertTrue(text.contains(expected), expected + " in\n" + help.out());
        }
    }
}
