package dev.vaecuda.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * What a data set's four IDX files hold, as read (a .gz and a plain copy agree): their sizes, and
 * a SHA-256 of their contents one after the other in the order train images, train labels, test
 * images, test labels, so it equals {@code cat train-images-idx3-ubyte train-labels-idx1-ubyte
 * t10k-images-idx3-ubyte t10k-labels-idx1-ubyte | sha256sum} on the uncompressed files. Other sets
 * (a folder, CIFAR-10) are fingerprinted by their decoded content written as those IDX files would
 * be: colour images as a 4-dimensional IDX file (count, channels, rows, columns), unlabelled images
 * with label 0 each.
 */
public record DataFingerprint(List<Long> idxBytes, String sha256) {
    private static final int IMAGES_MAGIC = 0x0803;
    private static final int CHANNEL_IMAGES_MAGIC = 0x0804;
    private static final int LABELS_MAGIC = 0x0801;
    private static final int SHORT_HASH = 16;

    public DataFingerprint {
        idxBytes = List.copyOf(idxBytes);
        if (idxBytes.size() != 4 || sha256.length() != 64) {
            throw new IllegalArgumentException("a data fingerprint has 4 file sizes and 64 hex digits, got "
                    + idxBytes.size() + " and " + sha256.length());
        }
    }

    /** The fingerprint of the files these two splits were read from (the whole splits, before any --limit). */
    public static DataFingerprint of(ImageSet train, ImageSet test) {
        MessageDigest sha = ContentHash.digest();
        long trainImages = hashImages(sha, train), trainLabels = hashLabels(sha, train);
        long testImages = hashImages(sha, test), testLabels = hashLabels(sha, test);
        return new DataFingerprint(List.of(trainImages, trainLabels, testImages, testLabels),
                HexFormat.of().formatHex(sha.digest()));
    }

    /** The number of training images: the train labels file holds one byte each after its 8-byte header. */
    public long trainImages() {
        return idxBytes.get(1) - 8;
    }

    /** One line: the hash's first 16 hex digits and the four sizes. */
    public String describe() {
        return "data sha256 " + sha256.substring(0, SHORT_HASH) + "..., IDX files of " + idxBytes.get(0) + ", "
                + idxBytes.get(1) + ", " + idxBytes.get(2) + ", " + idxBytes.get(3) + " bytes";
    }

    /** The images file as IDX: magic, count, (channels when not 1,) rows, columns, pixels; returns its size. */
    private static long hashImages(MessageDigest sha, ImageSet set) {
        ByteBuffer header = set.channels() == 1
                ? ByteBuffer.allocate(16).putInt(IMAGES_MAGIC).putInt(set.count())
                : ByteBuffer.allocate(20).putInt(CHANNEL_IMAGES_MAGIC).putInt(set.count()).putInt(set.channels());
        sha.update(header.putInt(set.rows()).putInt(set.cols()).array());
        sha.update(set.pixels());
        return header.capacity() + (long) set.pixels().length;
    }

    /** The labels file as IDX: magic, count, labels; returns its size. */
    private static long hashLabels(MessageDigest sha, ImageSet set) {
        sha.update(ByteBuffer.allocate(8).putInt(LABELS_MAGIC).putInt(set.count()).array());
        sha.update(set.labels() != null ? set.labels() : new byte[set.count()]);
        return 8L + set.count();
    }
}
