package dev.vaecuda.data;

import static dev.vaecuda.data.IdxFixtures.gzip;
import static dev.vaecuda.data.IdxFixtures.images;
import static dev.vaecuda.data.IdxFixtures.labels;
import static dev.vaecuda.data.IdxFixtures.pattern;
import static dev.vaecuda.data.IdxFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class DatasetFilesTest {
    @TempDir
    Path dir;

    @Test
    void loadsEachSplitWithItsLabels() {
        byte[] trainPixels = pattern(3 * 2 * 2);
        write(dir, "train-images-idx3-ubyte", images(3, 2, 2, trainPixels));
        write(dir, "train-labels-idx1-ubyte", labels(new byte[] {5, 0, 4}));
        write(dir, "t10k-images-idx3-ubyte", images(1, 2, 2, new byte[4]));
        write(dir, "t10k-labels-idx1-ubyte", labels(new byte[] {7}));

        ImageSet train = DatasetFiles.load(dir, Split.TRAIN);
        assertArrayEquals(trainPixels, train.pixels());
        assertArrayEquals(new byte[] {5, 0, 4}, train.labels());
        ImageSet test = DatasetFiles.load(dir, Split.TEST);
        assertEquals(1, test.count());
        assertArrayEquals(new byte[] {7}, test.labels());
    }

    @Test
    void acceptsGzipAndDottedNames() {
        write(dir, "train-images-idx3-ubyte.gz", gzip(images(2, 1, 3, pattern(6))));
        write(dir, "train-labels.idx1-ubyte", labels(new byte[] {1, 2}));
        ImageSet train = DatasetFiles.load(dir, Split.TRAIN);
        assertArrayEquals(pattern(6), train.pixels());
        assertArrayEquals(new byte[] {1, 2}, train.labels());
    }

    @Test
    void refusesAMissingDirectoryAndSaysHowToGetData() {
        Path absent = dir.resolve("mnist");
        assertMessage(absent + ": data directory not found;"
                + " run data/fetch-mnist.sh for MNIST; for Fashion-MNIST see data/README.md",
                () -> DatasetFiles.load(absent, Split.TRAIN));
    }

    @Test
    void refusesAMissingFileAndSaysHowToGetData() {
        write(dir, "t10k-images-idx3-ubyte", images(1, 2, 2, new byte[4]));
        assertMessage(dir.resolve("t10k-labels-idx1-ubyte") + ": file not found (nor .gz, nor t10k-labels.idx1-ubyte);"
                + " run data/fetch-mnist.sh for MNIST; for Fashion-MNIST see data/README.md",
                () -> DatasetFiles.load(dir, Split.TEST));
    }

    @Test
    void refusesDifferentImageAndLabelCounts() {
        Path imagesFile = write(dir, "train-images-idx3-ubyte", images(3, 2, 2, new byte[12]));
        Path labelsFile = write(dir, "train-labels-idx1-ubyte", labels(new byte[] {1, 2}));
        assertMessage("image and label counts differ: " + imagesFile + " has 3 images but "
                + labelsFile + " has 2 labels", () -> DatasetFiles.load(dir, Split.TRAIN));
    }

    @Test
    void datasetRefusesALabelOutsideItsClasses() {
        write(dir, "train-images-idx3-ubyte", images(3, 1, 1, new byte[3]));
        write(dir, "train-labels-idx1-ubyte", labels(new byte[] {1, 10, 2}));
        assertMessage(dir + ": train labels: expected 0..9 for fashion-mnist but item 1 has 10",
                () -> Dataset.FASHION_MNIST.load(dir, Split.TRAIN));
    }

    private static void assertMessage(String expected, Executable load) {
        assertEquals(expected, assertThrows(DataException.class, load).getMessage());
    }
}
