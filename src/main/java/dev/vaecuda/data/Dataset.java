package dev.vaecuda.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The data sets this trainer knows: the same file format and shapes, different pictures and classes. */
public enum Dataset {
    MNIST("mnist", List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
    FASHION_MNIST("fashion-mnist", List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));

    private final String cliName;
    private final List<String> classNames;

    Dataset(String cliName, List<String> classNames) {
        this.cliName = cliName;
        this.classNames = classNames;
    }

    /** The name used on the command line: {@code mnist} or {@code fashion-mnist}. */
    public String cliName() {
        return cliName;
    }

    /** Where the files are looked for unless told otherwise, relative to the working directory. */
    public Path defaultDirectory() {
        return Path.of("data", cliName);
    }

    /** The class name of each label value, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    /** Loads one split from {@code directory} and checks that every label names one of this data set's classes. */
    public ImageSet load(Path directory, Split split) {
        ImageSet images = DatasetFiles.load(directory, split);
        for (int i = 0; i < images.count(); i++) {
            int label = Byte.toUnsignedInt(images.labels()[i]);
            if (label >= classNames.size()) {
                throw new DataException(directory, split.filePrefix() + " labels: expected 0.."
                        + (classNames.size() - 1) + " for " + cliName + " but item " + i + " has " + label);
            }
        }
        return images;
    }

    /** The data set with this command-line name; IllegalArgumentException listing the names otherwise. */
    public static Dataset fromCliName(String name) {
        for (Dataset dataset : values()) {
            if (dataset.cliName.equals(name)) {
                return dataset;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + name + "': expected one of "
                + Arrays.stream(values()).map(Dataset::cliName).collect(Collectors.joining(", ")));
    }
}
