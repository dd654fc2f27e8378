package dev.vaecuda.train;

import dev.vaecuda.data.DataRequest;
import dev.vaecuda.data.DataSources;

/**
 * What a run on a folder of images asked of it: --image-size and --image-channels (null where not
 * given: the images' own size, colour when any image has it) and --test-fraction.
 */
public record FolderOptions(Integer imageSize, Integer imageChannels, double testFraction) {

    /** The options of {@code request} when it asks for a folder; null for the other data sets. */
    public static FolderOptions of(DataRequest request) {
        if (!DataSources.FOLDER.equals(request.dataset())) {
            return null;
        }
        return new FolderOptions(request.imageSize().orElse(null), request.channels().orElse(null), request.testFraction());
    }
}
