package dev.vaecuda.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the data options ask for: a data set by name ({@code mnist}, {@code fashion-mnist},
 * {@code cifar10} or {@code folder}), where its files are (empty: the set's default folder), and for
 * a folder of images how to make them one size and one colour format and where to cache them.
 *
 * @param imageSize    --image-size: the side of the square images (empty: the images' own size)
 * @param channels     --image-channels: 1 (grey) or 3 (colour); empty: 3 when any image has colour
 * @param cache        --cache: the folder of the prepared file (empty: beside the data)
 * @param testFraction the share of a folder's images held out for testing when it has no train/ and test/
 * @param strict       unreadable images are an error, not skipped and counted
 */
public record DataRequest(String dataset, Optional<Path> directory, Optional<Integer> imageSize,
                          Optional<Integer> channels, Optional<Path> cache, double testFraction, boolean strict) {
    /** The data set names --dataset takes. */
    public static final List<String> DATASETS = List.of(Dataset.MNIST.cliName(), Dataset.FASHION_MNIST.cliName(),
            DataSources.CIFAR10, DataSources.FOLDER);

    /** One of the IDX sets ({@code mnist}, {@code fashion-mnist}) from {@code directory} or its default folder. */
    public static DataRequest idx(String dataset, Optional<Path> directory) {
        return new DataRequest(dataset, directory, Optional.empty(), Optional.empty(), Optional.empty(), 0.1, false);
    }
}
