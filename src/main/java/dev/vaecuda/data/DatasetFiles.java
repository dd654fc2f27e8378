package dev.vaecuda.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds and reads the image and label files of one split in an MNIST-format directory:
 * {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}, each also accepted with {@code .gz} and in the dotted spelling
 * {@code train-images.idx3-ubyte} that some mirrors use.
 */
public final class DatasetFiles {
    private static final String HOW_TO_GET_DATA =
            "run data/fetch-mnist.sh for MNIST; for Fashion-MNIST see data/README.md";

    private DatasetFiles() {}

    /** Reads the images of {@code split} with their labels, checking that both files count the same items. */
    public static ImageSet load(Path directory, Split split) {
        if (Files.isRegularFile(directory)) {
            throw new DataException(directory, "a file, not a folder; expected the folder that holds the IDX files");
        }
        if (!Files.isDirectory(directory)) {
            throw new DataException(directory, "data directory not found; " + HOW_TO_GET_DATA);
        }
        Path imagesFile = find(directory, split.filePrefix() + "-images", "idx3-ubyte");
        Path labelsFile = find(directory, split.filePrefix() + "-labels", "idx1-ubyte");
        ImageSet images = IdxReader.readImages(imagesFile);
        byte[] labels = IdxReader.readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DataException("image and label counts differ: " + imagesFile + " has " + images.count()
                    + " images but " + labelsFile + " has " + labels.length + " labels");
        }
        return new ImageSet(images.pixels(), images.count(), images.rows(), images.cols(), labels);
    }

    /** The first existing spelling of a file: plain before gzip, the usual dash before the dot. */
    private static Path find(Path directory, String stem, String suffix) {
        List<String> candidates = List.of(
                stem + "-" + suffix, stem + "-" + suffix + ".gz", stem + "." + suffix, stem + "." + suffix + ".gz");
        for (String name : candidates) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new DataException(directory.resolve(candidates.getFirst()),
                "file not found (nor .gz, nor " + candidates.get(2) + "); " + HOW_TO_GET_DATA);
    }
}
