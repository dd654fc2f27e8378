package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.train.EvaluationCsv;
import dev.vaecuda.viz.PngChecks;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every command after `train`, on a checkpoint that `train` wrote: exit codes, files, and what the PNGs hold. */
class VizCommandsTest {
    /** make_grid of 28x28 images, padding 2: a row of k images is 2 + 30 k wide. */
    private static int span(int images) {
        return 2 + 30 * images;
    }

    @TempDir
    static Path data;

    @TempDir
    static Path run;

    @TempDir
    Path out;

    private static Path checkpoint;

    @BeforeAll
    static void trainATinyModel() {
        SyntheticDigits.writeIdx(data, 300, 100, 28, 28);
        CliRunner trained = CliRunner.run("train", "--device", "cpu", "--threads", "2", "--data", data.toString(),
                "--out", run.toString(), "--hidden", "32", "--latent", "2", "--batch-size", "50", "--epochs", "2",
                "--lr", "3e-3");
        assertEquals(0, trained.exitCode(), trained.toString());
        checkpoint = run.resolve("checkpoint.vae");
    }

    private static CliRunner ok(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("show-data")) {
            all.addAll(List.of("--device", "cpu", "--threads", "2"));
        }
        CliRunner result = CliRunner.run(all.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.toString());
        return result;
    }

    @Test
    void trainLeavesPicturesEveryEpoch() {
        for (int epoch = 1; epoch <= 2; epoch++) {
            PngChecks.readDigitGrid(run.resolve("reconstructions_epoch" + epoch + ".png"), 8, 2);
            PngChecks.readDigitGrid(run.resolve("samples_epoch" + epoch + ".png"), 8, 8);
        }
        BufferedImage loss = PngChecks.readNotBlank(run.resolve("loss.png"), 800, 500);
        assertTrue(loss.getColorModel().getNumComponents() >= 3, "a colour chart");
    }

    @Test
    void sampleDrawsTheZOfTrainsLastEpoch() {
        Path file = out.resolve("samples.png");
        CliRunner result = ok("sample", "--checkpoint", checkpoint.toString(), "--n", "64", "--out", file.toString());
        assertTrue(result.out().contains("wrote " + file), result.toString());
        BufferedImage sampled = PngChecks.readDigitGrid(file, 8, 8);
        BufferedImage trained = PngChecks.read(run.resolve("samples_epoch2.png"));
        for (int y = 0; y < sampled.getHeight(); y++) {
            for (int x = 0; x < sampled.getWidth(); x++) {
                assertEquals(trained.getRaster().getSample(x, y, 0), sampled.getRaster().getSample(x, y, 0), x + "," + y);
            }
        }
        ok("sample", "--checkpoint", checkpoint.toString(), "--n", "5", "--seed", "3", "--out", out.toString());
        PngChecks.readDigitGrid(out.resolve("samples.png"), 5, 1);
    }

    @Test
    void reconstructInterpolateAndLatent() {
        ok("reconstruct", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--n", "10",
                "--out", out.resolve("r.png").toString());
        PngChecks.readNotBlank(out.resolve("r.png"), span(8), span(4));

        ok("interpolate", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--pairs", "3", "--steps", "6",
                "--out", out.toString());
        PngChecks.readDigitGrid(out.resolve("interpolation.png"), 6 + 2, 3);

        CliRunner latent = ok("latent", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--grid", "7",
                "--out", out.resolve("map.png").toString());
        assertTrue(latent.out().contains("map_manifold.png"), latent.toString());
        PngChecks.readNotBlank(out.resolve("map.png"), 800, 700);
        PngChecks.readNotBlank(out.resolve("map_manifold.png"), 7 * 28, 7 * 28);
    }

    @Test
    void showDataDrawsTheDataSetsPixels() {
        ImageSet test = SyntheticDigits.generate(100, 28, 28, 2);
        for (boolean labels : new boolean[] {false, true}) {
            Path file = out.resolve(labels ? "labelled.png" : "plain.png");
            List<String> args = new ArrayList<>(List.of("show-data", "--data", data.toString(), "--split", "test",
                    "--n", "11", "--out", file.toString()));
            if (labels) {
                args.add("--labels");
            }
            ok(args.toArray(String[]::new));
            int captionHeight = labels ? 12 : 0;
            BufferedImage grid = PngChecks.readNotBlank(file, span(8), 2 + 2 * (28 + captionHeight + 2));
            for (int i = 0; i < 11; i++) {
                int x0 = 2 + (i % 8) * 30, y0 = 2 + (i / 8) * (28 + captionHeight + 2);
                for (int p = 0; p < 28 * 28; p++) {
                    assertEquals(test.pixels()[i * 784 + p] & 0xFF, grid.getRaster().getSample(x0 + p % 28, y0 + p / 28, 0),
                            "image " + i + " pixel " + p);
                }
            }
        }
    }

    @Test
    void showDataChoosesNoDeviceAndSaysNothingAboutCuda() {
        CliRunner shown = ok("show-data", "--data", data.toString(), "--n", "8", "--out", out.toString());
        assertEquals("wrote " + out.resolve("grid.png"), shown.out().strip(), shown.toString());
    }

    @Test
    void evalNamesTheEpochAndBatchOfACheckpointSavedInsideAnEpoch() {
        Checkpoint end = CheckpointFile.read(checkpoint);
        assertTrue(ok("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString()).out()
                .contains("(end of epoch 2) on 100 test images"));
        Checkpoint inside = new Checkpoint(end.config(), end.identity(), end.step() + 3, 2, 3, 100.0, end.parameters(),
                end.firstMoment(), end.secondMoment());
        Path file = out.resolve("inside.vae");
        CheckpointFile.write(file, inside);
        CliRunner evaluated = ok("eval", "--checkpoint", file.toString(), "--data", data.toString());
        // 300 training images in batches of 50
        assertTrue(evaluated.out().contains("evaluating " + file + " (epoch 3, batch 3 of 6) on 100 test images"),
                evaluated.toString());
    }

    @Test
    void latentDimsChoosesRawDimensions() {
        CliRunner drawn = ok("latent", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--dims", "1,0",
                "--out", out.resolve("swapped.png").toString());
        assertTrue(drawn.out().contains("wrote " + out.resolve("swapped.png")), drawn.toString());
        assertOneLineError(CliRunner.run("latent", "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--dims", "0,2"), 2, "--dims must be 0..1, got 2");
        assertOneLineError(CliRunner.run("latent", "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--dims", "0"), 2, "--dims takes 2 dimensions of this 2-D latent, got 1");
    }

    @Test
    void showDataBinarizes() {
        ok("show-data", "--data", data.toString(), "--n", "16", "--binarize", "--out", out.toString());
        BufferedImage grid = PngChecks.readNotBlank(out.resolve("grid.png"), span(8), span(2));
        for (int y = 2; y < 30; y++) {
            for (int x = 2; x < 30; x++) {
                int v = grid.getRaster().getSample(x, y, 0);
                assertTrue(v == 0 || v == 255, "binarised pixel " + v);
            }
        }
    }

    @Test
    void evalReproducesTrainsTestLossAndImportanceWeightingTightensIt() throws IOException {
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        double reported = Double.parseDouble(metrics.getLast().split(",")[2]);
        CliRunner elbo = ok("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString());
        double loss = elbo.figure("loss (reconstruction + beta * KL)"), negativeElbo = elbo.figure("negative ELBO"), one = elbo.figure("-log p(x), K = 1");
        assertEquals(reported, loss, 1e-4 * reported, elbo.toString());
        assertEquals(negativeElbo, one, 0.0, "K = 1 is the ELBO");
        assertEquals(loss, negativeElbo, 0.0, "beta 1");

        CliRunner weighted = ok("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--iw-samples", "16", "--out", out.toString());
        double k16 = weighted.figure("-log p(x), K = 16");
        assertTrue(k16 <= negativeElbo * 1.002, "K = 16: " + k16 + " against the negative ELBO " + negativeElbo);
        List<String> rows = Files.readAllLines(out.resolve("eval.csv"));
        assertEquals(EvaluationCsv.HEADER, rows.getFirst());
        assertEquals(1 + 100, rows.size());

        // the draws are keyed by the seed (default: the run's, 1): the same seed gives the same figure, another a nearby one
        Function<String, CliRunner> seeded = seed -> ok("eval", "--checkpoint", checkpoint.toString(), "--data",
                data.toString(), "--iw-samples", "16", "--seed", seed);
        CliRunner runSeed = seeded.apply("1"), other = seeded.apply("987654321");
        assertTrue(runSeed.out().contains("seed 1") && other.out().contains("seed 987654321"), runSeed + "\n" + other);
        assertEquals(k16, runSeed.figure("-log p(x), K = 16"), 0.0, "--seed 1 is the default, the run's seed");
        double kOther = other.figure("-log p(x), K = 16");
        assertEquals(kOther, seeded.apply("987654321").figure("-log p(x), K = 16"), 0.0, "the same seed, the same draws");
        assertTrue(kOther != k16 && Math.abs(kOther - k16) < 0.02 * k16, "seed 987654321: " + kOther + ", seed 1: " + k16);

        CliRunner binarized = ok("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--binarize");
        assertTrue(binarized.out().contains("binarized: yes"), binarized.toString());
        assertTrue(binarized.figure("loss (reconstruction + beta * KL)") != loss, "a binarised test set has another loss");
    }

    @Test
    void graphWritesDotWithTheColourRoles() throws IOException {
        CliRunner result = CliRunner.run("graph", "--checkpoint", checkpoint.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        String dot = Files.readString(out.resolve("vae.dot"));
        for (String expected : List.of("lightblue", "lightgrey", "darkolivegreen1", "encoder.0.weight\\n(32, 784)",
                "\"reparameterize\" -> \"decoder.0.gemm\"", "\"decoder.1.bias_add\" -> \"loss\"")) {
            assertTrue(dot.contains(expected), expected + " in\n" + dot);
        }
        boolean rendered = Files.exists(out.resolve("vae.svg"));
        assertTrue(rendered ? result.out().contains("wrote " + out.resolve("vae.png")) : result.out().contains("not on PATH"),
                result.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sample|--n|0|2|--n must be >= 1, got 0",
        "reconstruct|--n|-1|2|--n must be >= 1, got -1",
        "reconstruct|--n|101|2|--n 101 is more than the 100 test images",
        "interpolate|--steps|0|2|--steps must be >= 1, got 0",
        "interpolate|--pairs|51|2|--pairs 51 is more than the 50 pairs of test images",
        "latent|--grid|0|2|--grid must be >= 1, got 0",
        "latent|--n|0|2|--n must be >= 1, got 0",
        "eval|--iw-samples|0|2|--iw-samples must be >= 1, got 0",
        "eval|--iw-samples|2147483647|2|--iw-samples must be 1..",
    })
    void badValuesAreUsageErrors(String command, String option, String value, int code, String message) {
        List<String> args = new ArrayList<>(List.of(command, "--device", "cpu", "--checkpoint", checkpoint.toString(),
                option, value, "--out", out.toString()));
        if (!command.equals("sample")) {
            args.addAll(List.of("--data", data.toString()));
        }
        CliRunner result = CliRunner.run(args.toArray(String[]::new));
        assertOneLineError(result, code, message);
    }

    @ParameterizedTest
    @CsvSource({"sample", "reconstruct", "interpolate", "latent", "eval"})
    void aMissingCheckpointIsAFailureNamingIt(String command) {
        Path missing = out.resolve("nowhere.vae");
        CliRunner result = CliRunner.run(command, "--device", "cpu", "--checkpoint", missing.toString(), "--out", out.toString());
        assertOneLineError(result, 1, missing + ": no such checkpoint file");
        assertOneLineError(CliRunner.run(command), 2, "Missing required option: '--checkpoint=FILE'");
    }

    @Test
    void otherBadInput() throws IOException {
        Path fake = Files.writeString(out.resolve("fake.vae"), "not a checkpoint");
        assertOneLineError(CliRunner.run("graph", "--checkpoint", fake.toString(), "--out", out.toString()), 1,
                "not a vae-cuda checkpoint");
        assertOneLineError(CliRunner.run("eval", "--device", "cpu", "--checkpoint", checkpoint.toString(), "--data",
                out.resolve("no-data").toString()), 1, "no-data");
        assertOneLineError(CliRunner.run("show-data", "--data", data.toString(), "--n", "0"), 2, "--n must be >= 1, got 0");
        assertOneLineError(CliRunner.run("show-data", "--data", data.toString(), "--split", "valid"), 2,
                "--split must be train or test, got 'valid'");
        assertOneLineError(CliRunner.run("show-data", "--data", data.toString(), "--n", "301"), 2,
                "--n 301 is more than the 300 images of the train split");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("show-data", "sample", "reconstruct", "interpolate", "latent", "eval", "graph")) {
            CliRunner result = CliRunner.run(command, "--help");
            assertEquals(0, result.exitCode(), result.toString());
            assertTrue(result.out().contains("--out"), command + " --help\n" + result.out());
            // show-data computes nothing worth a device, so it chooses none (nor says why CUDA is unavailable)
            assertTrue(command.equals("show-data") ? !result.out().contains("--device")
                    : command.equals("graph") || result.out().contains("--device"), command + " --help\n" + result.out());
        }
    }

    private static void assertOneLineError(CliRunner result, int code, String expected) {
        assertEquals(code, result.exitCode(), result.toString());
        String err = result.err().strip();
        assertEquals(1, err.lines().count(), result.toString());
        assertTrue(err.startsWith("error: ") && err.contains(expected), result.toString());
    }
}
