package dev.vaecuda.data;

import static dev.vaecuda.data.IdxFixtures.IMAGES_MAGIC;
import static dev.vaecuda.data.IdxFixtures.LABELS_MAGIC;
import static dev.vaecuda.data.IdxFixtures.gzip;
import static dev.vaecuda.data.IdxFixtures.idx;
import static dev.vaecuda.data.IdxFixtures.images;
import static dev.vaecuda.data.IdxFixtures.labels;
import static dev.vaecuda.data.IdxFixtures.pattern;
import static dev.vaecuda.data.IdxFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    // --- well-formed files ---

    @Test
    void readsPlainImages() {
        byte[] pixels = pattern(3 * 4 * 5);
        ImageSet set = IdxReader.readImages(write(dir, "images", images(3, 4, 5, pixels)));
        assertEquals(3, set.count());
        assertEquals(4, set.rows());
        assertEquals(5, set.cols());
        assertArrayEquals(pixels, set.pixels());
        assertNull(set.labels());
    }

    @Test
    void readsGzipImagesWhateverTheFileName() {
        byte[] pixels = pattern(7 * 28 * 28);
        ImageSet set = IdxReader.readImages(write(dir, "no-gz-suffix", gzip(images(7, 28, 28, pixels))));
        assertEquals(7, set.count());
        assertEquals(28 * 28, set.pixelsPerImage());
        assertArrayEquals(pixels, set.pixels());
    }

    @Test
    void readsGzipImagesLargerThanTheFirstChunk() {
        byte[] pixels = pattern(3_000 * 28 * 28); // 2.35 MB: the buffer has to grow twice
        ImageSet set = IdxReader.readImages(write(dir, "images.gz", gzip(images(3_000, 28, 28, pixels))));
        assertArrayEquals(pixels, set.pixels());
    }

    @Test
    void readsPlainAndGzipLabels() {
        byte[] values = {5, 0, 4, 1, 9, 2};
        assertArrayEquals(values, IdxReader.readLabels(write(dir, "labels", labels(values))));
        assertArrayEquals(values, IdxReader.readLabels(write(dir, "labels.gz", gzip(labels(values)))));
    }

    // --- malformed files: each names the file and the problem ---

    @Test
    void refusesAMissingFile() {
        Path file = dir.resolve("absent");
        assertMessage(file + ": file not found", () -> IdxReader.readImages(file));
    }

    @Test
    void refusesAnEmptyFile() {
        Path file = write(dir, "empty", new byte[0]);
        assertMessage(file + ": empty file", () -> IdxReader.readImages(file));
    }

    @Test
    void refusesAGzipStreamOfNothing() {
        Path file = write(dir, "empty.gz", gzip(new byte[0]));
        assertMessage(file + ": empty file: the gzip stream decompresses to 0 bytes", () -> IdxReader.readLabels(file));
    }

    @Test
    void refusesATruncatedHeader() {
        Path file = write(dir, "short", Arrays.copyOf(images(1, 2, 2, new byte[4]), 9));
        assertMessage(file + ": truncated header: expected 16 bytes for IDX images but the file has 9",
                () -> IdxReader.readImages(file));
    }

    @Test
    void refusesAWrongMagicNumberInHex() {
        Path file = write(dir, "picture.png", idx(0x89504E47, new int[] {1, 1, 1}, new byte[1]));
        assertMessage(file + ": wrong magic number: expected 0x00000803 (IDX images, unsigned bytes) but found 0x89504E47",
                () -> IdxReader.readImages(file));
    }

    @Test
    void refusesAnIdxFileOfAnotherElementType() {
        Path file = write(dir, "floats", idx(0x00000D03, new int[] {1, 1, 1}, new byte[4]));
        assertMessage(file + ": wrong magic number: expected 0x00000803 (IDX images, unsigned bytes) but found 0x00000D03",
                () -> IdxReader.readImages(file));
    }

    @Test
    void refusesALabelsFileGivenAsImages() {
        Path file = write(dir, "labels", labels(new byte[] {1, 2, 3}));
        assertMessage(file + ": wrong number of dimensions: expected 3 (magic 0x00000803, images)"
                + " but found 1 (magic 0x00000801, labels)", () -> IdxReader.readImages(file));
    }

    @Test
    void refusesAnImagesFileGivenAsLabels() {
        Path file = write(dir, "images", images(1, 1, 1, new byte[1]));
        assertMessage(file + ": wrong number of dimensions: expected 1 (magic 0x00000801, labels)"
                + " but found 3 (magic 0x00000803, images)", () -> IdxReader.readLabels(file));
    }

    @Test
    void refusesZeroAndNegativeSizes() {
        Path zeroRows = write(dir, "zero-rows", images(1, 0, 28, new byte[0]));
        assertMessage(zeroRows + ": bad header: rows: expected a positive number but found 0",
                () -> IdxReader.readImages(zeroRows));
        Path negativeCount = write(dir, "negative-count", idx(LABELS_MAGIC, new int[] {0xFFFFFFF0}, new byte[0]));
        assertMessage(negativeCount + ": bad header: label count: expected a positive number but found -16",
                () -> IdxReader.readLabels(negativeCount));
    }

    @Test
    void refusesATruncatedFileNamingBothSizes() {
        Path file = write(dir, "train-images-idx3-ubyte", images(60000, 28, 28, new byte[1000]));
        assertMessage(file + ": truncated: header says 60000 images of 28x28 (47040000 bytes)"
                + " but the file has 1000 bytes of data", () -> IdxReader.readImages(file));
    }

    @Test
    void refusesATruncatedGzipStreamNamingBothSizes() {
        Path file = write(dir, "labels.gz", gzip(idx(LABELS_MAGIC, new int[] {10}, new byte[4])));
        assertMessage(file + ": truncated: header says 10 labels (10 bytes)"
                + " but the decompressed stream has 4 bytes of data", () -> IdxReader.readLabels(file));
    }

    @Test
    void refusesTrailingBytes() {
        Path plain = write(dir, "plain", idx(IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[11]));
        assertMessage(plain + ": trailing bytes after the data: header says 2 images of 2x2 (8 bytes)"
                + " but the file has 11 bytes of data", () -> IdxReader.readImages(plain));
        Path gz = write(dir, "gz", gzip(idx(LABELS_MAGIC, new int[] {3}, new byte[5])));
        assertMessage(gz + ": trailing bytes after the data: header says 3 labels (3 bytes)"
                + " but the decompressed stream has 5 bytes of data", () -> IdxReader.readLabels(gz));
    }

    @Test
    void refusesAHugePlainHeaderWithoutAllocating() {
        Path file = write(dir, "huge", idx(IMAGES_MAGIC, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[4]));
        long allocated = HeapAllocations.whileRunning(() -> assertMessage(file + ": implausible header: 2147483647 images"
                + " of 28x28 would be more than the 1073741824 bytes of data accepted", () -> IdxReader.readImages(file)));
        assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void refusesAHugeGzipHeaderWithoutAllocating() {
        Path file = write(dir, "huge.gz", gzip(idx(LABELS_MAGIC, new int[] {Integer.MAX_VALUE}, new byte[4])));
        long allocated = HeapAllocations.whileRunning(() -> assertMessage(file + ": implausible header: 2147483647 labels"
                + " would be more than the 1073741824 bytes of data accepted", () -> IdxReader.readLabels(file)));
        assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void catchesAPlausibleLieInAPlainFileBeforeAllocating() {
        Path file = write(dir, "lie", images(1000, 1024, 1024, new byte[10]));
        long allocated = HeapAllocations.whileRunning(() -> assertMessage(file + ": truncated: header says 1000 images"
                + " of 1024x1024 (1048576000 bytes) but the file has 10 bytes of data", () -> IdxReader.readImages(file)));
        assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void catchesAPlausibleLieInAGzipStreamWhileReading() {
        Path file = write(dir, "lie.gz", gzip(images(1000, 1024, 1024, new byte[10])));
        long allocated = HeapAllocations.whileRunning(() -> assertMessage(file + ": truncated: header says 1000 images"
                + " of 1024x1024 (1048576000 bytes) but the decompressed stream has 10 bytes of data",
                () -> IdxReader.readImages(file)));
        assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void refusesAGzipStreamWithABadChecksum() {
        byte[] gz = gzip(labels(new byte[] {1, 2, 3}));
        gz[gz.length - 8] ^= 0x55; // the trailer is CRC-32 then length, 4 bytes each
        Path file = write(dir, "bad-crc.gz", gz);
        assertMessage(file + ": broken gzip stream: Corrupt GZIP trailer", () -> IdxReader.readLabels(file));
    }

    @Test
    void refusesAGzipStreamWithAnUnknownMethod() {
        byte[] gz = gzip(labels(new byte[] {1, 2, 3}));
        gz[2] = 7; // deflate (8) is the only method gzip defines
        Path file = write(dir, "bad-method.gz", gz);
        assertMessage(file + ": broken gzip stream: Unsupported compression method", () -> IdxReader.readLabels(file));
    }

    @Test
    void refusesACutGzipStream() {
        byte[] gz = gzip(images(50, 28, 28, pattern(50 * 28 * 28)));
        Path file = write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
        assertMessage(file + ": truncated gzip stream: the compressed data ends early", () -> IdxReader.readImages(file));
        Path headerOnly = write(dir, "header-only.gz", Arrays.copyOf(gz, 4));
        assertMessage(headerOnly + ": truncated gzip stream: the compressed data ends early",
                () -> IdxReader.readImages(headerOnly));
    }

    private static void assertMessage(String expected, Executable read) {
        DataException e = assertThrows(DataException.class, read);
        assertEquals(expected, e.getMessage());
        assertEquals(1, e.exitCode());
    }
}
