package dev.vaecuda.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (the MNIST format), plain or gzip-compressed; gzip is detected
 * by its magic bytes, not by the file name. Header: a big-endian magic {@code 0x000008NN} where NN
 * is the number of dimensions, then one big-endian int per dimension, then the data, row-major.
 * Every problem with a file is reported as a {@link DataException}.
 */
public final class IdxReader {
    /** Above this many bytes of data (about 23x MNIST's training images) a header is taken as corrupt. */
    static final long MAX_DATA_BYTES = 1L << 30;

    private static final int UNSIGNED_BYTE_TYPE = 0x08;
    private static final int GZIP_MAGIC_FIRST = 0x1f;
    private static final int GZIP_MAGIC_SECOND = 0x8b;
    private static final int STREAM_BUFFER_BYTES = 1 << 16;
    private static final int GZIP_FIRST_CHUNK_BYTES = 1 << 20;

    /** The two shapes of IDX file this project reads. */
    private enum Layout {
        IMAGES("images", "image count", "rows", "columns"),
        LABELS("labels", "label count");

        final String description;
        final String[] dimensionNames;

        Layout(String description, String... dimensionNames) {
            this.description = description;
            this.dimensionNames = dimensionNames;
        }

        int dimensions() {
            return dimensionNames.length;
        }

        int magic() {
            return UNSIGNED_BYTE_TYPE << 8 | dimensions();
        }

        int headerBytes() {
            return Integer.BYTES * (1 + dimensions());
        }

        /** What a header with these sizes claims, e.g. "60000 images of 28x28" or "60000 labels". */
        String describe(int[] sizes) {
            return this == IMAGES ? sizes[0] + " images of " + sizes[1] + "x" + sizes[2] : sizes[0] + " labels";
        }
    }

    private record Content(int[] sizes, byte[] data) {}

    private IdxReader() {}

    /** Reads a 3-dimensional IDX file (count, rows, columns) into an unlabelled image set. */
    public static ImageSet readImages(Path file) {
        Content content = read(file, Layout.IMAGES);
        int[] sizes = content.sizes();
        return new ImageSet(content.data(), sizes[0], sizes[1], sizes[2], null);
    }

    /** Reads a 1-dimensional IDX file of labels, one byte per item. */
    public static byte[] readLabels(Path file) {
        return read(file, Layout.LABELS).data();
    }

    private static Content read(Path file, Layout layout) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), STREAM_BUFFER_BYTES)) {
            boolean gzip = startsWithGzipMagic(raw);
            InputStream in = gzip ? new GZIPInputStream(raw, STREAM_BUFFER_BYTES) : raw;
            return readContent(file, layout, in, gzip);
        } catch (NoSuchFileException e) {
            throw new DataException(file, "file not found");
        } catch (AccessDeniedException e) {
            throw new DataException(file, "cannot read: permission denied");
        } catch (ZipException e) {
            throw new DataException(file, "broken gzip stream: " + e.getMessage(), e);
        } catch (EOFException e) {
            // Plain reads never throw EOFException (they come back short); only GZIPInputStream does.
            throw new DataException(file, "truncated gzip stream: the compressed data ends early", e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read: " + e, e);
        }
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == GZIP_MAGIC_FIRST && in.read() == GZIP_MAGIC_SECOND;
        in.reset();
        return gzip;
    }

    private static Content readContent(Path file, Layout layout, InputStream in, boolean gzip) throws IOException {
        String whatHas = gzip ? "the decompressed stream has" : "the file has";
        byte[] header = in.readNBytes(layout.headerBytes());
        if (header.length == 0) {
            throw new DataException(file, gzip ? "empty file: the gzip stream decompresses to 0 bytes" : "empty file");
        }
        if (header.length >= Integer.BYTES) {
            checkMagic(file, layout, ByteBuffer.wrap(header).getInt());
        }
        if (header.length < layout.headerBytes()) {
            throw new DataException(file, "truncated header: expected " + layout.headerBytes() + " bytes for IDX "
                    + layout.description + " but " + whatHas + " " + header.length);
        }
        int[] sizes = readSizes(file, layout, ByteBuffer.wrap(header, Integer.BYTES, header.length - Integer.BYTES));
        int claimed = checkedDataBytes(file, layout, sizes);
        String claim = "header says " + layout.describe(sizes) + " (" + claimed + " bytes)";
        if (!gzip) {
            long available = Files.size(file) - layout.headerBytes();
            if (available != claimed) {
                throw dataSizeMismatch(file, claim, claimed, whatHas, available);
            }
        }
        // A plain file's size was checked above; a gzip stream's length is unknown until it has been read.
        byte[] data = readUpTo(in, claimed, gzip ? Math.min(claimed, GZIP_FIRST_CHUNK_BYTES) : claimed);
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (data.length < claimed || extra > 0) {
            throw dataSizeMismatch(file, claim, claimed, whatHas, data.length + extra);
        }
        return new Content(sizes, data);
    }

    private static void checkMagic(Path file, Layout layout, int magic) {
        if (magic >>> 8 != UNSIGNED_BYTE_TYPE) {
            throw new DataException(file, "wrong magic number: expected " + hex(layout.magic()) + " (IDX "
                    + layout.description + ", unsigned bytes) but found " + hex(magic));
        }
        int dimensions = magic & 0xFF;
        if (dimensions != layout.dimensions()) {
            throw new DataException(file, "wrong number of dimensions: expected " + layout.dimensions()
                    + " (magic " + hex(layout.magic()) + ", " + layout.description + ") but found " + dimensions
                    + " (magic " + hex(magic) + layoutWithDimensions(dimensions) + ")");
        }
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "0x%08X", value);
    }

    private static String layoutWithDimensions(int dimensions) {
        for (Layout layout : Layout.values()) {
            if (layout.dimensions() == dimensions) {
                return ", " + layout.description;
            }
        }
        return "";
    }

    private static int[] readSizes(Path file, Layout layout, ByteBuffer header) {
        int[] sizes = new int[layout.dimensions()];
        for (int d = 0; d < sizes.length; d++) {
            sizes[d] = header.getInt();
            if (sizes[d] <= 0) {
                throw new DataException(file, "bad header: " + layout.dimensionNames[d]
                        + ": expected a positive number but found " + sizes[d]);
            }
        }
        return sizes;
    }

    /** The number of data bytes the header claims, refused when above {@link #MAX_DATA_BYTES}. */
    private static int checkedDataBytes(Path file, Layout layout, int[] sizes) {
        long bytes = 1;
        for (int size : sizes) {
            bytes *= size; // at most 2^30 * 2^31 before the check below: no overflow
            if (bytes > MAX_DATA_BYTES) {
                throw new DataException(file, "implausible header: " + layout.describe(sizes)
                        + " would be more than the " + MAX_DATA_BYTES + " bytes of data accepted");
            }
        }
        return (int) bytes;
    }

    private static DataException dataSizeMismatch(Path file, String claim, long claimed, String whatHas, long found) {
        String problem = found < claimed ? "truncated" : "trailing bytes after the data";
        return new DataException(file, problem + ": " + claim + " but " + whatHas + " " + found + " bytes of data");
    }

    /**
     * Reads up to {@code limit} bytes, growing the buffer only as data arrives, so a header that
     * lies about the size costs no more memory than the data that is really there.
     */
    private static byte[] readUpTo(InputStream in, int limit, int firstChunk) throws IOException {
        byte[] buffer = new byte[firstChunk];
        int filled = 0;
        while (filled < limit) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(limit, 2L * buffer.length));
            }
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                return Arrays.copyOf(buffer, filled);
            }
            filled += read;
        }
        return buffer;
    }
}
