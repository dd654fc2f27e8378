package dev.vaecuda.data;

import java.util.function.Consumer;

/** Loads what a {@link DataRequest} names: the IDX sets, CIFAR-10's binary batches, or a folder of images. */
public final class DataSources {
    private DataSources() {
    }

    /**
     * Both splits of the requested set; {@code progress} gets occasional lines while a folder is
     * prepared. Bad input is a {@link DataException} naming the file and what was expected.
     */
    public static LoadedData load(DataRequest request, Consumer<String> progress) {
        Dataset dataset = Dataset.fromCliName(request.dataset());
        java.nio.file.Path directory = request.directory().orElse(dataset.defaultDirectory());
        ImageSet train = dataset.load(directory, Split.TRAIN), test = dataset.load(directory, Split.TEST);
        return new LoadedData(train, test, dataset.classNames(), DataFingerprint.of(train, test),
                dataset.cliName() + ": " + train.count() + " train / " + test.count() + " test images");
    }
}
