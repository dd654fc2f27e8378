package dev.vaecuda.train;

import dev.vaecuda.data.DataRequest;

/**
 * What a run on a folder of images asked of it: --image-size and --image-channels (null where not
 * given: the images' own size, colour when any image has it) and --test-fraction.
 */
public record FolderOptions(Integer imageSize, Integer imageChannels, double testFraction) {

    /** The options of {@code request} when it asks for a folder; null for the other data sets. */
    public static FolderOptions of(DataRequest request) {
        return !DataRequest.FOLDER.equals(request.dataset()) ? null : new FolderOptions(request.imageSize().orElse(null), request.channels().orElse(null),
                request.testFraction());
    }
}
