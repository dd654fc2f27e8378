package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The checkpoint format, version 1, big-endian:
 * <pre>
 * bytes 0-7   magic "VAECKPT\0"
 * int         format version (1)
 * int, bytes  length and UTF-8 text of the run configuration as JSON
 * long        step (Adam updates so far; the RNG counter)
 * int, int    epochs completed, batches into the current epoch
 * double      training loss summed over the current epoch's batches so far
 * int         parameter count P
 * float[P] x3 parameters, Adam first moment, Adam second moment
 * long        CRC32 of every byte before it
 * </pre>
 * Written to a temporary file in the same folder, forced to disk, then renamed over the
 * target, so a crash never leaves a damaged checkpoint under the real name.
 */
public final class CheckpointFile {
    static final byte[] MAGIC = "VAECKPT\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int MAX_CONFIG_BYTES = 1 << 20;

    private CheckpointFile() {
    }

    public static void write(Path file, Checkpoint checkpoint) {
        byte[] bytes = encode(checkpoint);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot write checkpoint: " + e, e);
        }
    }

    static byte[] encode(Checkpoint checkpoint) {
        int p = checkpoint.parameters().length;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 12 * p);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            byte[] json = ConfigJson.toJson(checkpoint.config()).getBytes(StandardCharsets.UTF_8);
            out.writeInt(json.length);
            out.write(json);
            out.writeLong(checkpoint.step());
            out.writeInt(checkpoint.epochsCompleted());
            out.writeInt(checkpoint.batchesIntoEpoch());
            out.writeDouble(checkpoint.partialTrainLossSum());
            out.writeInt(p);
            for (float[] array : new float[][] {checkpoint.parameters(), checkpoint.firstMoment(), checkpoint.secondMoment()}) {
                ByteBuffer floats = ByteBuffer.allocate(4 * p);
                floats.asFloatBuffer().put(array);
                out.write(floats.array());
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
        return bytes.toByteArray();
    }

    public static Checkpoint read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": no such checkpoint file");
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot read checkpoint: " + e);
        }
        return decode(file, bytes);
    }

    static Checkpoint decode(Path file, byte[] bytes) {
        String name = file.toString();
        if (bytes.length < MAGIC.length + 4 || !java.util.Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw failure(name, "not a vae-cuda checkpoint (magic: expected \"VAECKPT\\0\")");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version != VERSION) {
            throw failure(name, "checkpoint format version " + version + ", this program reads version " + VERSION);
        }
        if (bytes.length < MAGIC.length + 4 + 8) {
            throw failure(name, "truncated checkpoint (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw failure(name, String.format("checksum mismatch (CRC32: stored %08x, computed %08x): "
                    + "the file is truncated or damaged", stored, crc.getValue()));
        }
        try {
            int jsonLength = in.getInt();
            if (jsonLength < 0 || jsonLength > MAX_CONFIG_BYTES || jsonLength > in.remaining()) {
                throw failure(name, "configuration length " + jsonLength + " out of range");
            }
            byte[] json = new byte[jsonLength];
            in.get(json);
            RunConfig config = ConfigJson.fromJson(new String(json, StandardCharsets.UTF_8), name);
            long step = in.getLong();
            int epochs = in.getInt();
            int batches = in.getInt();
            double partial = in.getDouble();
            int count = in.getInt();
            if (count < 0 || (long) count * 12 + 8 != in.remaining()) {
                throw failure(name, "parameter count " + count + " does not match the file's size");
            }
            float[][] arrays = new float[3][count];
            for (float[] array : arrays) {
                in.asFloatBuffer().get(array);
                in.position(in.position() + 4 * count);
            }
            return new Checkpoint(config, step, epochs, batches, partial, arrays[0], arrays[1], arrays[2]);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw failure(name, "malformed checkpoint: " + e.getMessage());
        }
    }

    private static VaeCudaException failure(String file, String problem) {
        return new VaeCudaException(VaeCudaException.FAILURE, file + ": " + problem);
    }
}
