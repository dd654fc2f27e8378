package dev.vaecuda.data;

import java.nio.file.Path;
import java.util.function.Consumer;

/** Loads what a {@link DataRequest} names: the IDX sets, CIFAR-10's binary batches, or a folder of images. */
public final class DataSources {
    public static final String FOLDER = "folder";
    public static final String CIFAR10 = "cifar10";

    private DataSources() {
    }

    /**
     * Both splits of the requested set; {@code progress} gets occasional lines while a folder is
     * prepared. Bad input is a {@link DataException} naming the file and what was expected.
     */
    public static LoadedData load(DataRequest request, Consumer<String> progress) {
        if (!DataRequest.DATASETS.contains(request.dataset())) {
            throw new IllegalArgumentException("unknown data set '" + request.dataset() + "': expected one of "
                    + String.join(", ", DataRequest.DATASETS));
        }
        return switch (request.dataset()) {
            case FOLDER -> FolderSource.load(request, progress);
            case CIFAR10 -> Cifar10Source.load(request);
            default -> idx(request);
        };
    }

    private static LoadedData idx(DataRequest request) {
        Dataset dataset = Dataset.fromCliName(request.dataset());
        Path directory = request.directory().orElse(dataset.defaultDirectory());
        ImageSet train = dataset.load(directory, Split.TRAIN), test = dataset.load(directory, Split.TEST);
        return new LoadedData(train, test, dataset.classNames(), DataFingerprint.of(train, test),
                dataset.cliName() + ": " + train.count() + " train / " + test.count() + " test images");
    }
}
