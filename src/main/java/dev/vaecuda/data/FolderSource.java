package dev.vaecuda.data;

import dev.vaecuda.train.TimeEstimate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code --dataset folder}: a folder of images, prepared once. The first load decodes, scales and
 * converts every image ({@link FolderDecoder}) and stores the result in a cache file; later loads
 * re-list the folder and hash every file, and take the cache when nothing changed, or prepare it
 * again, saying what changed. The cache lives in {@code --cache DIR}, by default in
 * {@code .vae-cuda-cache/} beside the data folder: not inside it, where another tool (torchvision's
 * ImageFolder) would take it for a class.
 */
final class FolderSource {
    static final String CACHE_FOLDER = ".vae-cuda-cache";
    private static final int SHORT_HASH_BYTES = 4;

    private FolderSource() {
    }

    static LoadedData load(DataRequest request, Consumer<String> progress) {
        return load(request, progress, FolderDecoder.heapAvailable());
    }

    /** As {@link #load(DataRequest, Consumer)}, with the bytes of memory the decoded set may take. */
    static LoadedData load(DataRequest request, Consumer<String> progress, long memoryAvailable) {
        Path root = request.directory().orElseThrow(() ->
                new DataException("--dataset folder needs --data DIR, the folder of images"));
        FolderListing listing = FolderListing.scan(root, request.testFraction());
        listing.notes().forEach(progress);
        Path cache = cacheFile(request, root);
        long checkStart = System.nanoTime();
        SourceFiles source;
        try (PreparationProgress bar = PreparationProgress.forConsole("hashing", listing.size(), progress)) {
            source = SourceFiles.of(listing, bar);
        }
        double checkSeconds = (System.nanoTime() - checkStart) / 1e9;
        PreparedFolder prepared = cached(cache, request, source, progress, checkSeconds);
        if (prepared == null) {
            prepared = prepare(listing, request, source, cache, progress, memoryAvailable);
        }
        ImageSet train = prepared.train(), test = prepared.test();
        return new LoadedData(train, test, prepared.classNames(), DataFingerprint.of(train, test),
                describe(root, prepared));
    }

    /** Where the prepared form of {@code root} goes: named by the folder, a hash of its absolute path, and the request. */
    static Path cacheFile(DataRequest request, Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Path folder = request.cache().orElse((parent == null ? absolute : parent).resolve(CACHE_FOLDER));
        String name = absolute.getFileName() == null ? "root" : absolute.getFileName().toString();
        String pathHash = HexFormat.of().formatHex(ContentHash.sha256(absolute.toString()
                .getBytes(StandardCharsets.UTF_8)), 0, SHORT_HASH_BYTES);
        return folder.resolve(name + "-" + pathHash + "-" + request.imageSize().map(s -> s + "px").orElse("own")
                + "-" + request.channels().map(c -> c + "ch").orElse("auto") + ".bin");
    }

    /** The cache's content when it was made from these files with these settings, else null (and why, on progress). */
    private static PreparedFolder cached(Path cache, DataRequest request, SourceFiles source,
                                         Consumer<String> progress, double checkSeconds) {
        if (!Files.exists(cache)) {
            return null;
        }
        long start = System.nanoTime();
        try {
            PreparedCacheFile.Lookup lookup = PreparedCacheFile.read(cache, PreparedFolder.Settings.of(request), source);
            if (lookup.prepared() == null) {
                progress.accept("cache " + cache + " is stale (" + lookup.staleReason() + "): preparing it again");
                return null;
            }
            if (request.strict() && lookup.prepared().skipped() > 0) {
                // preparing again under --strict stops at the first unreadable file, naming it
                return null;
            }
            progress.accept(String.format(Locale.ROOT, "cache %s matches the folder (%d files hashed in %s),"
                    + " loaded in %s", cache, source.files().size(), TimeEstimate.duration(checkSeconds),
                    TimeEstimate.duration((System.nanoTime() - start) / 1e9)));
            return lookup.prepared();
        } catch (IOException e) {
            progress.accept("cache " + cache + " cannot be used (" + e.getMessage() + "): preparing it again");
            return null;
        }
    }

    private static PreparedFolder prepare(FolderListing listing, DataRequest request, SourceFiles source, Path cache,
                                          Consumer<String> progress, long memoryAvailable) {
        try {
            Files.createDirectories(cache.getParent());
        } catch (IOException e) {
            throw new DataException(cache.getParent(), "cannot create the cache folder (" + e
                    + "); pass --cache DIR, a folder this user may write");
        }
        int total = listing.size();
        progress.accept("preparing " + total + " images of " + listing.root() + " into " + cache);
        long start = System.nanoTime();
        PreparedFolder prepared;
        try (PreparationProgress bar = PreparationProgress.forConsole("preparing", total, progress)) {
            prepared = new FolderDecoder(listing, request, memoryAvailable).decode(source, bar);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try {
            PreparedCacheFile.write(cache, prepared);
        } catch (IOException e) {
            progress.accept("the cache " + cache + " could not be written (" + e + "); the next run prepares again");
        }
        progress.accept(String.format(Locale.ROOT, "prepared %d images in %s (%.0f images/s)", total,
                TimeEstimate.duration(seconds), total / Math.max(seconds, 1e-9)));
        return prepared;
    }

    private static String describe(Path root, PreparedFolder prepared) {
        ImageSet train = prepared.train();
        String classes = prepared.classNames().isEmpty() ? "unlabelled"
                : prepared.classNames().size() + (prepared.classNames().size() == 1 ? " class" : " classes");
        String skipped = prepared.skipped() == 0 ? "" : "; " + prepared.skipped() + " unreadable file"
                + (prepared.skipped() == 1 ? "" : "s") + " skipped (" + String.join("; ", prepared.skipNotes())
                + (prepared.skipped() > prepared.skipNotes().size() ? "; ..." : "") + ")";
        return "folder " + root + ": " + train.count() + " train / " + prepared.test().count() + " test images of "
                + train.channels() + "x" + train.rows() + "x" + train.cols() + ", " + classes + skipped;
    }
}
