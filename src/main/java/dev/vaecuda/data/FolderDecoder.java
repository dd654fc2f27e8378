package dev.vaecuda.data;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Decodes a folder's listed images into one uint8 NCHW set per split, several images at once: first
 * every header (sizes, colour), which decides the size and channels and lets the memory needed be
 * known before any pixel is decoded; then the pixels. Unreadable files are skipped and counted.
 */
final class FolderDecoder {
    /** Bytes a decoded picture takes per pixel in the JDK (8-bit RGB or RGBA), for the memory estimate. */
    private static final int DECODED_BYTES_PER_PIXEL = 4;
    private static final long MIB = 1 << 20;

    private final FolderListing listing;
    private final DataRequest request;
    private final long memoryAvailable;

    /** The outcome for one file: its header, or why it cannot be read. */
    private record Probe(PictureFile.Header header, String failure) {
    }

    /**
     * @param memoryAvailable the bytes this may take: the heap the JVM may still grow to, in a real run
     */
    FolderDecoder(FolderListing listing, DataRequest request, long memoryAvailable) {
        this.listing = listing;
        this.request = request;
        this.memoryAvailable = memoryAvailable;
    }

    /** The heap this JVM may still use: its maximum less what is in use now. */
    static long heapAvailable() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    PreparedFolder decode(SourceFiles source, PreparationProgress progress) {
        List<FolderListing.Entry> entries = new ArrayList<>(listing.train());
        entries.addAll(listing.test());
        Probe[] probes = new Probe[entries.size()];
        IntStream.range(0, probes.length).parallel().forEach(i -> probes[i] = probe(entries.get(i)));
        String[] failures = new String[entries.size()];
        for (int i = 0; i < probes.length; i++) {
            failures[i] = probes[i].failure();
            if (failures[i] != null && request.strict()) {
                throw strictFailure(entries.get(i), failures[i]);
            }
        }
        List<PictureFile.Header> readable = Arrays.stream(probes).filter(p -> p.header() != null)
                .map(Probe::header).toList();
        if (readable.isEmpty()) {
            throw new DataException(listing.root(), "no readable image among " + entries.size() + " files ("
                    + entries.getFirst().name() + ": " + failures[0] + (entries.size() > 1 ? "; ..." : "") + ")");
        }
        Shape shape = shape(readable);
        int channels = shape.channels(), rows = shape.rows(), cols = shape.cols();
        long largest = readable.stream().mapToLong(PictureFile.Header::pixels).max().orElseThrow();
        checkMemory(entries.size(), shape, largest);

        int trainCount = listing.train().size();
        int perImage = channels * rows * cols;
        byte[] trainPixels = new byte[trainCount * perImage];
        byte[] testPixels = new byte[listing.test().size() * perImage];
        boolean[] decoded = new boolean[entries.size()];
        IntStream.range(0, entries.size()).parallel().forEach(i -> {
            if (probes[i].header() != null) {
                boolean inTrain = i < trainCount;
                failures[i] = decodeInto(entries.get(i), channels, rows, cols, request.imageSize().isPresent(),
                        inTrain ? trainPixels : testPixels, (inTrain ? i : i - trainCount) * perImage);
                decoded[i] = failures[i] == null;
            }
            progress.advance();
        });
        int skipped = 0;
        List<String> skipNotes = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (failures[i] != null) {
                if (request.strict()) {
                    throw strictFailure(entries.get(i), failures[i]);
                }
                if (skipped++ < PreparedFolder.NAMED_SKIPS) {
                    skipNotes.add(entries.get(i).name() + ": " + failures[i]);
                }
            }
        }
        ImageSet train = keep(listing.train(), "train", trainPixels, decoded, 0, channels, rows, cols);
        ImageSet test = keep(listing.test(), "test", testPixels, decoded, trainCount, channels, rows, cols);
        return new PreparedFolder(PreparedFolder.Settings.of(request), source, train, test, listing.classNames(),
                skipped, skipNotes);
    }

    /** The size and channels of the set: as requested, else as the images' headers say. */
    private record Shape(int channels, int rows, int cols) {
        @Override
        public String toString() {
            return channels + "x" + rows + "x" + cols;
        }
    }

    private Shape shape(List<PictureFile.Header> readable) {
        int channels = request.channels().orElse(readable.stream().anyMatch(PictureFile.Header::colour) ? 3 : 1);
        if (request.imageSize().isPresent()) {
            return new Shape(channels, request.imageSize().get(), request.imageSize().get());
        }
        checkOneSize(readable);
        return new Shape(channels, readable.getFirst().height(), readable.getFirst().width());
    }

    private static DataException strictFailure(FolderListing.Entry entry, String failure) {
        return new DataException(entry.path(), "unreadable image (--strict): " + failure);
    }

    private static Probe probe(FolderListing.Entry entry) {
        try {
            return new Probe(PictureFile.header(Files.readAllBytes(entry.path())), null);
        } catch (IOException e) {
            return new Probe(null, reason(e));
        }
    }

    /** Null when decoded, else why not. */
    private static String decodeInto(FolderListing.Entry entry, int channels, int rows, int cols, boolean scale,
                                     byte[] out, int at) {
        try {
            PictureRows picture = new PictureRows(PictureFile.firstFrame(Files.readAllBytes(entry.path())), channels);
            if (scale) {
                Resampler.scaleAndCrop(picture, rows, channels, out, at);
            } else if (picture.width() == cols && picture.height() == rows) {
                Resampler.copy(picture, channels, out, at);
            } else {
                return "its frame is " + picture.width() + "x" + picture.height() + ", its header said " + cols + "x"
                        + rows;
            }
            return null;
        } catch (IOException e) {
            return reason(e);
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void checkOneSize(List<PictureFile.Header> headers) {
        Map<String, Integer> sizes = new TreeMap<>();
        for (PictureFile.Header header : headers) {
            sizes.merge(header.width() + "x" + header.height(), 1, Integer::sum);
        }
        if (sizes.size() > 1) {
            throw new DataException(listing.root(), "images of " + sizes.size() + " sizes (" + sizes.entrySet()
                    .stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(4)
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "))
                    + (sizes.size() > 4 ? ", ..." : "") + "); pass --image-size N to scale and crop them to N x N");
        }
    }

    private void checkMemory(int images, Shape shape, long largestPixels) {
        long perImage = (long) shape.channels() * shape.rows() * shape.cols();
        long setBytes = images * perImage;
        // the parallel streams run on the common pool's threads and the caller's
        long decoders = Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, images);
        long decodingBytes = decoders * largestPixels * DECODED_BYTES_PER_PIXEL;
        String what = images + " images of " + shape;
        if (Math.max(listing.train().size(), listing.test().size()) * perImage > Integer.MAX_VALUE - 8) {
            throw new DataException(listing.root(), what + " make a split of more than the 2 GiB a Java array holds;"
                    + " pass a smaller --image-size");
        }
        if (setBytes + decodingBytes > memoryAvailable) {
            throw new DataException(listing.root(), String.format(Locale.ROOT, "too large for memory: %s need %d MiB"
                    + " (and %d MiB while decoding) but the JVM may use %d MiB more; pass a smaller --image-size or"
                    + " raise the heap (-Xmx)", what, setBytes / MIB, decodingBytes / MIB, memoryAvailable / MIB));
        }
    }

    /** The decoded images of one split, in order, the skipped ones left out. */
    private ImageSet keep(List<FolderListing.Entry> split, String name, byte[] pixels, boolean[] decoded, int offset,
                          int channels, int rows, int cols) {
        int perImage = channels * rows * cols;
        int kept = 0;
        byte[] labels = new byte[split.size()];
        for (int i = 0; i < split.size(); i++) {
            if (decoded[offset + i]) {
                System.arraycopy(pixels, i * perImage, pixels, kept * perImage, perImage);
                labels[kept++] = (byte) split.get(i).label();
            }
        }
        if (kept == 0) {
            throw new DataException(listing.root(), "no readable image in the " + name + " split (" + split.size()
                    + " files listed)");
        }
        boolean labelled = !listing.classNames().isEmpty();
        return new ImageSet(kept == split.size() ? pixels : Arrays.copyOf(pixels, kept * perImage), kept, rows, cols,
                labelled ? Arrays.copyOf(labels, kept) : null, channels);
    }
}
