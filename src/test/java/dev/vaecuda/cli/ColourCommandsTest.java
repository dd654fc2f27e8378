package dev.vaecuda.cli;

import static dev.vaecuda.cli.CliRunner.okOnCpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.data.SyntheticCifar;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.data.SyntheticPhotos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Colour data through the commands on the CPU: a CIFAR-10-format set trains a conv model of 3x32x32
 * images that eval reads back by default and other data cannot resume; a folder's preparation is
 * recorded, so later commands prepare it alike.
 */
class ColourCommandsTest {
    private static final String MODEL = "model: conv 3x32x32 -> 4x16x16 -> 8x8x8 -> 4 latent (4x4 stride-2 convolutions, relu)";

    @TempDir
    static Path shared;

    @TempDir
    Path out;

    private static Path cifar;
    private static Path run;
    private static CliRunner trained;

    @BeforeAll
    static void trainAConvModelOnACifarFormatSet() {
        cifar = shared.resolve("cifar");
        SyntheticCifar.write(cifar, 160, 32);
        run = shared.resolve("run");
        trained = okOnCpu("train", "--dataset", "cifar10", "--data", cifar.toString(), "--out", run.toString(), "--arch", "conv",
                "--channels", "4,8", "--latent", "4", "--batch-size", "32", "--epochs", "2", "--lr", "3e-3");
    }

    @Test
    void trainSaysWhatItFoundAndRecordsTheChannels() throws IOException {
        assertTrue(trained.out().contains(MODEL + "\ntraining cifar10 " + cifar + ": 160 train / 32 test images of 3x32x32,"
                + " 10 classes, "), trained.toString());
        String json = Files.readString(run.resolve("config.json")).replaceAll("\\s+", "");
        assertTrue(json.contains("\"dataset\":\"cifar10\"") && json.contains("\"imageChannels\":3"), json);
        assertTrue(!json.contains("\"folder\""), json);
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(Double.parseDouble(metrics.get(2).split(",")[1]) < Double.parseDouble(metrics.get(1).split(",")[1]),
                "train loss falls: " + metrics);
    }

    /** Without --dataset, eval reads cifar10 as the run did; its loss is training's, its bits per dimension over 3 x 32 x 32. */
    @Test
    void evalReadsTheRunsDataSetAndCountsEveryChannel() throws IOException {
        Path checkpoint = run.resolve("checkpoint.vae");
        CliRunner eval = okOnCpu("eval", "--checkpoint", checkpoint.toString(), "--data", cifar.toString());
        double reported = Double.parseDouble(Files.readAllLines(run.resolve("metrics.csv")).getLast().split(",")[2]);
        assertEquals(reported, eval.figure("loss (reconstruction + beta * KL)"), 1e-4 * reported, eval.toString());
        double nats = eval.figure("negative ELBO");
        assertTrue(eval.out().contains(String.format(java.util.Locale.ROOT, "%.4f nats  %.4f bits/dim", nats,
                nats / (3 * 32 * 32 * Math.log(2)))), eval.toString());
        okOnCpu("reconstruct", "--checkpoint", checkpoint.toString(), "--data", cifar.toString(), "--out", out.toString());
    }

    @Test
    void greyImagesAreRefusedNamingBothShapes() {
        Path grey = out.resolve("grey");
        SyntheticDigits.writeIdx(grey, 40, 20, 32, 32);
        Path checkpoint = run.resolve("checkpoint.vae");
        CliRunner.run("eval", "--device", "cpu", "--checkpoint", checkpoint.toString(), "--dataset", "mnist", "--data",
                grey.toString()).assertOneLineError(1, "the images of " + grey + " are 1x32x32 (channels x height x width),"
                + " the model of " + checkpoint + " takes 3x32x32");
    }

    @Test
    void aResumeRefusesOtherColourData() {
        Path other = out.resolve("other");
        SyntheticCifar.write(other, 150, 32);
        CliRunner.run("train", "--device", "cpu", "--data", other.toString(), "--out", out.resolve("resumed").toString(),
                "--resume", run.resolve("checkpoint.vae").toString(), "--epochs", "3")
                .assertOneLineError(2, other + " holds other data (data sha256 ");
    }

    /**
     * 16x16 unlabelled pictures trained at --image-size 8: eval and latent without it prepare them at 8
     * again, as config.json records.
     */
    @Test
    void aFoldersPreparationIsRecordedAndReusedByLaterCommands() throws IOException {
        Path photos = out.resolve("photos");
        SyntheticPhotos.write(photos, 40, 16, "png", 1);
        Path folderRun = out.resolve("folder-run");
        CliRunner train = okOnCpu("train", "--dataset", "folder", "--data", photos.toString(), "--image-size", "8",
                "--test-fraction", "0.25", "--hidden", "16", "--latent", "2", "--batch-size", "8", "--epochs", "1",
                "--out", folderRun.toString());
        assertTrue(train.out().contains("model: mlp 192-16-2 (relu)"), train.toString());
        String json = Files.readString(folderRun.resolve("config.json")).replaceAll("\\s+", "");
        assertTrue(json.contains("\"folder\":{\"imageSize\":8,\"testFraction\":0.25}"), json);
        okOnCpu("eval", "--checkpoint", folderRun.resolve("checkpoint.vae").toString(), "--data", photos.toString());
        okOnCpu("latent", "--checkpoint", folderRun.resolve("checkpoint.vae").toString(), "--data", photos.toString(),
                "--out", out.toString());
        assertTrue(Files.isRegularFile(out.resolve("latent.png")), "an unlabelled set's latent map");
        CliRunner.run("show-data", "--dataset", "folder", "--data", photos.toString(), "--labels", "--n", "8", "--out",
                out.toString()).assertOneLineError(2, ", without labels (a folder without subfolders)");
        CliRunner.run("eval", "--device", "cpu", "--checkpoint", folderRun.resolve("checkpoint.vae").toString(), "--data",
                photos.toString(), "--image-size", "16").assertOneLineError(1, "are 3x16x16 (channels x height x width)");
    }
}
