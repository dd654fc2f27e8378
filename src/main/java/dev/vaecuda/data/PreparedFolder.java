package dev.vaecuda.data;

import java.util.List;

/**
 * A folder's images decoded, scaled and converted, as training uses them, with what it was made
 * from and how: the cache file holds exactly this.
 *
 * @param settings   what was asked: the size and channels requested (0: decided by the images) and the test fraction
 * @param source     the image files it was made from
 * @param skipped    how many files could not be read
 * @param skipNotes  the first few of them, "name: reason"
 */
record PreparedFolder(Settings settings, SourceFiles source, ImageSet train, ImageSet test, List<String> classNames,
                      int skipped, List<String> skipNotes) {
    /** How many unreadable files are named; the rest are counted. */
    static final int NAMED_SKIPS = 3;

    record Settings(int imageSize, int channels, double testFraction) {
        static Settings of(DataRequest request) {
            return new Settings(request.imageSize().orElse(0), request.channels().orElse(0), request.testFraction());
        }
    }

    PreparedFolder {
        classNames = List.copyOf(classNames);
        skipNotes = List.copyOf(skipNotes);
    }
}
