package dev.vaecuda.cli;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.data.Dataset;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.Split;
import dev.vaecuda.train.RunConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** `--data`, for the commands that read a data set. */
final class DataOption {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the IDX files, plain or .gz (default: data/<data set>).")
    Path folder;

    ImageSet load(Dataset dataset, Split split) {
        return dataset.load(folder != null ? folder : dataset.defaultDirectory(), split);
    }

    /** The test split of the data set a run trained on, checked against the model's image size. */
    ImageSet testSet(RunConfig run) {
        ImageSet set = load(Dataset.fromCliName(run.dataset()), Split.TEST);
        int h = run.model().imageHeight(), w = run.model().imageWidth();
        if (set.rows() != h || set.cols() != w) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "the test images are " + set.rows() + "x"
                    + set.cols() + ", the model expects " + h + "x" + w);
        }
        return set;
    }
}
