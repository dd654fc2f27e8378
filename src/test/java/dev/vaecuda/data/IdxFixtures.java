package dev.vaecuda.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds IDX file contents for the tests, well-formed or deliberately broken. */
public final class IdxFixtures {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxFixtures() {}

    /** A header (magic, then one int per size) followed by {@code data}, whatever the header claims. */
    public static byte[] idx(int magic, int[] sizes, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES * (1 + sizes.length) + data.length);
        buffer.putInt(magic);
        for (int size : sizes) {
            buffer.putInt(size);
        }
        return buffer.put(data).array();
    }

    public static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return idx(IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
    }

    public static byte[] labels(byte[] labels) {
        return idx(LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    /** Distinct, non-repeating-ish bytes so a misplaced byte shows. */
    public static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + i / 256);
        }
        return bytes;
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }

    public static Path write(Path directory, String name, byte[] content) {
        try {
            return Files.write(directory.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
