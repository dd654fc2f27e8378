package dev.vaecuda.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The regular files of a tar stream (POSIX ustar and GNU tar): 512-byte headers holding a name, an
 * octal size, a type and a checksum, each file's bytes padded to 512, two zero blocks at the end.
 * Written here rather than taken from a library: six files of a known archive need these forty
 * lines, not a dependency; pax extended headers and long names are skipped as other entries are.
 */
final class TarEntries {
    private static final int BLOCK = 512;
    private static final int NAME_END = 100, SIZE_AT = 124, SIZE_END = 136, SUM_AT = 148, SUM_END = 156;
    private static final int TYPE_AT = 156, PREFIX_AT = 345, PREFIX_END = 500;

    private TarEntries() {
    }

    /** Hands each regular file whose name {@code wanted} accepts to {@code file}, whole; skips the others. */
    static void read(InputStream in, Predicate<String> wanted, BiConsumer<String, byte[]> file) throws IOException {
        byte[] header = new byte[BLOCK];
        while (in.readNBytes(header, 0, BLOCK) == BLOCK && !allZero(header)) {
            if (octal(header, SUM_AT, SUM_END) != checksum(header)) {
                throw new IOException("not a tar archive: a header's checksum does not match");
            }
            long size = octal(header, SIZE_AT, SIZE_END);
            String prefix = text(header, PREFIX_AT, PREFIX_END);
            String name = (prefix.isEmpty() ? "" : prefix + "/") + text(header, 0, NAME_END);
            byte type = header[TYPE_AT];
            boolean regular = type == '0' || type == 0;
            if (regular && wanted.test(name)) {
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IOException(name + " in the archive is " + size + " bytes, more than an array holds");
                }
                byte[] content = in.readNBytes((int) size);
                if (content.length < size) {
                    throw new EOFException("the archive ends inside " + name);
                }
                file.accept(name, content);
                in.skipNBytes(padding(size));
            } else {
                in.skipNBytes(size + padding(size));
            }
        }
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static boolean allZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The header's bytes summed as unsigned, its checksum field counted as spaces. */
    private static long checksum(byte[] header) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= SUM_AT && i < SUM_END ? ' ' : header[i] & 0xFF;
        }
        return sum;
    }

    private static long octal(byte[] header, int from, int to) throws IOException {
        long value = 0;
        int i = from;
        while (i < to && header[i] == ' ') {
            i++;
        }
        for (; i < to && header[i] != 0 && header[i] != ' '; i++) {
            if (header[i] < '0' || header[i] > '7') {
                throw new IOException("not a tar archive: a header's number is not octal");
            }
            value = value * 8 + header[i] - '0';
        }
        return value;
    }

    private static String text(byte[] header, int from, int to) {
        int end = from;
        while (end < to && header[end] != 0) {
            end++;
        }
        return new String(header, from, end - from, StandardCharsets.UTF_8);
    }
}
