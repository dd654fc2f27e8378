package dev.vaecuda.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The prepared form of a folder, one file, big-endian:
 * <pre>
 * bytes 0-7   magic "VAEPREP\0", int format version (1)
 * int, int, double   requested image size and channels (0: the images'), test fraction
 * int N, then N x (UTF name, long size, bytes[32] SHA-256)   the source files, train then test
 * int, int, int      channels, rows, cols
 * int K, then K x UTF   class names
 * int, int M, then M x UTF   files skipped as unreadable, and the first few of them named
 * twice (train, test): int count, byte labelled, bytes[count] labels if labelled, bytes[count x C x H x W] pixels (NCHW)
 * long        CRC32 of every byte before it
 * </pre>
 * Written to a temporary file beside it and moved into place, so an interrupted run never leaves a
 * half-written file under the real name.
 */
final class PreparedCacheFile {
    private static final byte[] MAGIC = "VAEPREP\0".getBytes(StandardCharsets.US_ASCII);
    // bump it when what decoding makes of a file changes (filter, alpha, grey weights): old caches are prepared again
    private static final int VERSION = 1;
    private static final int BUFFER_BYTES = 1 << 16;

    /** What a lookup found: the prepared set when the file matches the settings and the source, else why not. */
    record Lookup(PreparedFolder prepared, String staleReason) {
    }

    private PreparedCacheFile() {
    }

    static void write(Path file, PreparedFolder prepared) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            CRC32 crc = new CRC32();
            try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(temporary), BUFFER_BYTES), crc))) {
                out.write(MAGIC);
                out.writeInt(VERSION);
                writeSettings(out, prepared.settings());
                out.writeInt(prepared.source().files().size());
                for (SourceFiles.File source : prepared.source().files()) {
                    out.writeUTF(source.name());
                    out.writeLong(source.size());
                    out.write(source.sha256());
                }
                ImageSet train = prepared.train();
                out.writeInt(train.channels());
                out.writeInt(train.rows());
                out.writeInt(train.cols());
                writeStrings(out, prepared.classNames());
                out.writeInt(prepared.skipped());
                writeStrings(out, prepared.skipNotes());
                writeSplit(out, train);
                writeSplit(out, prepared.test());
                out.writeLong(crc.getValue());
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The file's prepared set when it was made with {@code settings} from {@code source}; its pixels
     * are not read otherwise. A damaged or foreign file is an IOException.
     */
    static Lookup read(Path file, PreparedFolder.Settings settings, SourceFiles source) throws IOException {
        CRC32 crc = new CRC32();
        try (DataInputStream in = new DataInputStream(new CheckedInputStream(
                new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES), crc))) {
            if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC) || in.readInt() != VERSION) {
                throw new IOException("not a prepared-data file of format " + VERSION);
            }
            PreparedFolder.Settings stored = new PreparedFolder.Settings(in.readInt(), in.readInt(), in.readDouble());
            if (!stored.equals(settings)) {
                return new Lookup(null, "made with " + describe(stored) + ", now " + describe(settings));
            }
            SourceFiles storedSource = readSource(in);
            if (!storedSource.sameAs(source)) {
                return new Lookup(null, "the folder changed: " + source.changesFrom(storedSource));
            }
            int channels = in.readInt(), rows = in.readInt(), cols = in.readInt();
            List<String> classNames = readStrings(in);
            int skipped = in.readInt();
            List<String> skipNotes = readStrings(in);
            ImageSet train = readSplit(in, channels, rows, cols);
            ImageSet test = readSplit(in, channels, rows, cols);
            long expected = crc.getValue();
            if (in.readLong() != expected || in.read() >= 0) {
                throw new IOException("damaged: its checksum does not match");
            }
            return new Lookup(new PreparedFolder(stored, storedSource, train, test, classNames, skipped, skipNotes), null);
        } catch (EOFException e) {
            throw new IOException("truncated", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("damaged: " + e.getMessage(), e);
        }
    }

    private static String describe(PreparedFolder.Settings settings) {
        return "image size " + (settings.imageSize() == 0 ? "(own)" : settings.imageSize()) + ", channels "
                + (settings.channels() == 0 ? "(auto)" : settings.channels()) + ", test fraction "
                + settings.testFraction();
    }

    private static void writeSettings(DataOutputStream out, PreparedFolder.Settings settings) throws IOException {
        out.writeInt(settings.imageSize());
        out.writeInt(settings.channels());
        out.writeDouble(settings.testFraction());
    }

    private static SourceFiles readSource(DataInputStream in) throws IOException {
        int count = checkedCount(in.readInt());
        List<SourceFiles.File> files = new ArrayList<>(Math.min(count, BUFFER_BYTES));
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            long size = in.readLong();
            byte[] sha256 = new byte[ContentHash.BYTES];
            in.readFully(sha256);
            files.add(new SourceFiles.File(name, size, sha256));
        }
        return new SourceFiles(files);
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            out.writeUTF(s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int count = checkedCount(in.readInt());
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            strings.add(in.readUTF());
        }
        return strings;
    }

    private static void writeSplit(DataOutputStream out, ImageSet set) throws IOException {
        out.writeInt(set.count());
        out.writeBoolean(set.labels() != null);
        if (set.labels() != null) {
            out.write(set.labels());
        }
        out.write(set.pixels());
    }

    private static ImageSet readSplit(DataInputStream in, int channels, int rows, int cols) throws IOException {
        int count = checkedCount(in.readInt());
        long bytes = (long) count * channels * rows * cols;
        if (bytes > Integer.MAX_VALUE || bytes < 0) {
            throw new IOException("damaged: " + count + " images of " + channels + "x" + rows + "x" + cols);
        }
        byte[] labels = null;
        if (in.readBoolean()) {
            labels = new byte[count];
            in.readFully(labels);
        }
        byte[] pixels = new byte[(int) bytes];
        in.readFully(pixels);
        return new ImageSet(pixels, count, rows, cols, labels, channels);
    }

    private static int checkedCount(int count) throws IOException {
        if (count < 0) {
            throw new IOException("damaged: a count of " + count);
        }
        return count;
    }
}
