package dev.vaecuda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loads the real MNIST files when data/fetch-mnist.sh has put them in data/mnist; skipped otherwise. */
class RealMnistTest {
    private static final Path MNIST = Dataset.MNIST.defaultDirectory();

    @Test
    void trainingSetIs60000DigitsOf28x28() {
        assumeTrue(Files.isDirectory(MNIST), "no " + MNIST + "; run data/fetch-mnist.sh");
        ImageSet train = Dataset.MNIST.load(MNIST, Split.TRAIN);
        assertShape(60_000, train);
        assertEquals(5, train.labels()[0]); // the well-known first training digit
    }

    @Test
    void testSetIs10000DigitsOf28x28() {
        assumeTrue(Files.isDirectory(MNIST), "no " + MNIST + "; run data/fetch-mnist.sh");
        ImageSet test = Dataset.MNIST.load(MNIST, Split.TEST);
        assertShape(10_000, test);
        assertEquals(7, test.labels()[0]);
    }

    /** The fingerprint of the files as read is the SHA-256 of the four plain files one after the other. */
    @Test
    void dataFingerprintIsTheSha256OfTheFourFilesInOrder() throws Exception {
        assumeTrue(Files.isDirectory(MNIST), "no " + MNIST + "; run data/fetch-mnist.sh");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<Long> sizes = new ArrayList<>();
        for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            byte[] bytes = Files.readAllBytes(MNIST.resolve(name));
            sha.update(bytes);
            sizes.add((long) bytes.length);
        }
        DataFingerprint fingerprint = DataFingerprint.of(Dataset.MNIST.load(MNIST, Split.TRAIN),
                Dataset.MNIST.load(MNIST, Split.TEST));
        assertEquals(new DataFingerprint(sizes, HexFormat.of().formatHex(sha.digest())), fingerprint);
    }

    private static void assertShape(int count, ImageSet set) {
        assertEquals(count, set.count());
        assertEquals(28, set.rows());
        assertEquals(28, set.cols());
        assertEquals(count, set.labels().length);
        for (byte label : set.labels()) {
            assertTrue(label >= 0 && label <= 9, "label " + label);
        }
    }
}
