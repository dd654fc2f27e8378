package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.data.DataRequest;
import dev.vaecuda.data.DataSources;
import dev.vaecuda.data.Dataset;
import dev.vaecuda.data.IdxFixtures;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.LoadedData;
import dev.vaecuda.data.Split;
import dev.vaecuda.data.SyntheticDigits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same images, the same run: MNIST exported as PNGs and read with --dataset folder is the IDX
 * set (pixels, labels, order), and training on either writes the same losses, bit for bit. The
 * first images of the real MNIST when data/mnist has them, else synthetic digits.
 */
class FolderParityTest {
    private static final int TRAIN = 500, TEST = 100;

    @TempDir
    Path dir;

    @Test
    void mnistExportedAsPngsIsTheSameSetAndTrainsTheSameRun() throws IOException {
        Path idx = writeSubset(dir.resolve("idx")), pngs = dir.resolve("png"), cache = dir.resolve("cache");
        assertEquals(0, CliRunner.run("export-images", "--data", idx.toString(), "--out", pngs.toString()).exitCode());

        LoadedData fromIdx = DataSources.load(DataRequest.idx("mnist", Optional.of(idx)), line -> { });
        LoadedData fromPngs = DataSources.load(new DataRequest("folder", Optional.of(pngs), Optional.empty(),
                Optional.empty(), Optional.of(cache), 0.1, true), line -> { });

        assertSameImages(fromIdx.train(), fromPngs.train());
        assertSameImages(fromIdx.test(), fromPngs.test());
        assertEquals(fromIdx.classNames(), fromPngs.classNames());
        assertEquals(losses(train("--dataset", "mnist", "--data", idx.toString())),
                losses(train("--dataset", "folder", "--data", pngs.toString(), "--cache", cache.toString())));
    }

    /** The first images of the real MNIST, or synthetic digits, as IDX files in {@code folder}. */
    private static Path writeSubset(Path folder) throws IOException {
        Path mnist = Dataset.MNIST.defaultDirectory();
        if (!Files.isDirectory(mnist)) {
            SyntheticDigits.writeIdx(folder, TRAIN, TEST, 28, 28);
            return folder;
        }
        Files.createDirectories(folder);
        writeIdx(folder, "train", Dataset.MNIST.load(mnist, Split.TRAIN).first(TRAIN));
        writeIdx(folder, "t10k", Dataset.MNIST.load(mnist, Split.TEST).first(TEST));
        return folder;
    }

    private static void writeIdx(Path folder, String prefix, ImageSet set) {
        IdxFixtures.write(folder, prefix + "-images-idx3-ubyte", IdxFixtures.images(set.count(), set.rows(), set.cols(),
                set.pixels()));
        IdxFixtures.write(folder, prefix + "-labels-idx1-ubyte", IdxFixtures.labels(set.labels()));
    }

    private static void assertSameImages(ImageSet expected, ImageSet actual) {
        assertEquals(List.of(expected.count(), expected.channels(), expected.rows(), expected.cols()),
                List.of(actual.count(), actual.channels(), actual.rows(), actual.cols()));
        assertArrayEquals(expected.pixels(), actual.pixels());
        assertArrayEquals(expected.labels(), actual.labels());
    }

    private Path train(String... data) {
        Path out = dir.resolve("run-" + data[1]);
        List<String> args = Stream.concat(Stream.of("train", "--device", "cpu", "--threads", "2", "--out", out.toString(),
                "--epochs", "1", "--batch-size", "50", "--hidden", "64", "--latent", "4", "--seed", "7"), Stream.of(data)).toList();
        CliRunner result = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.toString());
        return out.resolve("metrics.csv");
    }

    /** metrics.csv without its timing columns: epoch, train_loss, test_loss. */
    private static List<String> losses(Path metrics) throws IOException {
        return Files.readAllLines(metrics).stream().map(line -> line.split(",", 4)).map(f -> f[0] + "," + f[1] + "," + f[2])
                .toList();
    }
}
