package dev.vaecuda.train;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.data.DataFingerprint;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The checkpoint format, version 5, big-endian:
 * <pre>
 * bytes 0-7   magic "VAECKPT\0"
 * int         format version (5)
 * int, bytes  length and UTF-8 text of the run configuration as JSON
 * long        run id ({@link RunIdentity})
 * long[4]     sizes of the data set's IDX files, as read ({@link DataFingerprint})
 * bytes[32]   SHA-256 of their contents
 * long        step (Adam updates so far; the RNG counter)
 * int, int    epochs completed, batches into the current epoch
 * double      training loss summed over the current epoch's batches so far
 * int         parameter count P
 * float[P] x3 parameters, Adam first moment, Adam second moment
 * long        CRC32 of every byte before it
 * </pre>
 * P must be the parameter count of the configuration's model. Version 4 is the same with a
 * configuration from before colour, whose models all take grey images (imageChannels 1), and
 * without the options of a folder of images. Version 3 is version 4 with a
 * configuration from before --arch, whose models are all MLPs. Version 2 is version 3 with a
 * configuration from before the hidden activation, the initialisation, Adam's eps and the learning
 * rate schedule were options: it is read with the values those runs had (ReLU, PyTorch's
 * initialisation, eps 1e-8, a constant rate). Version 1, version 2 without the run id and the data
 * set's sizes and hash, is read too: its checkpoints have no identity. Written
 * through {@link AtomicFile}, so a crash never leaves a damaged checkpoint under the real name.
 */
public final class CheckpointFile {
    static final byte[] MAGIC = "VAECKPT\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 5;
    /** The version before the images' channels (all grey) and the options of a folder of images, still read. */
    static final int VERSION_WITHOUT_IMAGE_CHANNELS = 4;
    /** The version before the architecture (MLP or CONV) and the conv channels, still read. */
    static final int VERSION_WITHOUT_ARCHITECTURE = 3;
    /** The version before the options of the activation, initialisation, Adam's eps and schedule, still read. */
    static final int VERSION_WITHOUT_TRAINING_OPTIONS = 2;
    /** The version before run identities, still read. */
    static final int VERSION_WITHOUT_IDENTITY = 1;
    private static final int SHA256_BYTES = 32;
    private static final int MAX_CONFIG_BYTES = 1 << 20;
    // magic and format version
    private static final int HEAD_BYTES = MAGIC.length + 4;
    // run id, the data set's IDX sizes and their SHA-256: formats after 1
    private static final int IDENTITY_BYTES = 8 + 4 * 8 + SHA256_BYTES;
    // step, epochs completed, batches into the epoch, the epoch's partial loss sum
    private static final int POSITION_BYTES = 8 + 4 + 4 + 8;

    private CheckpointFile() {
    }

    public static void write(Path file, Checkpoint checkpoint) {
        try {
            AtomicFile.write(file, encode(checkpoint));
        } catch (IOException e) {
            throw VaeCudaException.io(file, "write checkpoint", e);
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
            RunIdentity identity = checkpoint.identity();
            out.writeLong(identity.runId());
            for (long size : identity.data().idxBytes()) {
                out.writeLong(size);
            }
            out.write(HexFormat.of().parseHex(identity.data().sha256()));
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

    /** Reads and checks a checkpoint; memory is allocated for the whole file only once its head shows the format. */
    public static Checkpoint read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            checkHead(file.toString(), in.readNBytes(HEAD_BYTES));
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": no such checkpoint file");
        } catch (OutOfMemoryError e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": too large to read as a checkpoint: " + e.getMessage());
        } catch (IOException e) {
            throw VaeCudaException.io(file, "read checkpoint", e);
        }
        return decode(file, bytes);
    }

    /** The magic and the format version, at the start of {@code bytes}. */
    private static void checkHead(String name, byte[] bytes) {
        if (bytes.length < HEAD_BYTES || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw failure(name, "not a vae-cuda checkpoint (magic: expected \"VAECKPT\\0\")");
        }
        int version = ByteBuffer.wrap(bytes, MAGIC.length, 4).getInt();
        if (version < VERSION_WITHOUT_IDENTITY || version > VERSION) {
            throw failure(name, "checkpoint format version " + version + ", this program reads versions "
                    + VERSION_WITHOUT_IDENTITY + " to " + VERSION);
        }
    }

    static Checkpoint decode(Path file, byte[] bytes) {
        String name = file.toString();
        checkHead(name, bytes);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(HEAD_BYTES);
        if (bytes.length < HEAD_BYTES + 8) {
            throw failure(name, "truncated checkpoint (" + bytes.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            // a CRC32 is 8 hex digits; a stored value wider than that is damage, not a checksum
            String storedCrc = stored >>> 32 == 0 ? String.format("%08x", stored) : "a value wider than 32 bits";
            throw failure(name, truncation(bytes, name).orElse(String.format("checksum mismatch (CRC32: stored %s,"
                    + " computed %08x): the file is truncated or damaged", storedCrc, crc.getValue())));
        }
        try {
            int jsonLength = in.getInt();
            if (jsonLength < 0 || jsonLength > MAX_CONFIG_BYTES || jsonLength > in.remaining()) {
                throw failure(name, "configuration length " + jsonLength + " out of range");
            }
            byte[] json = new byte[jsonLength];
            in.get(json);
            int version = in.getInt(MAGIC.length);
            RunConfig config = config(version, new String(json, StandardCharsets.UTF_8), name);
            RunIdentity identity = version == VERSION_WITHOUT_IDENTITY ? null : readIdentity(in);
            long step = in.getLong();
            int epochs = in.getInt();
            int batches = in.getInt();
            double partial = in.getDouble();
            int count = in.getInt();
            if (count < 0 || (long) count * 12 + 8 != in.remaining()) {
                throw failure(name, "parameter count " + count + " does not match the file's size");
            }
            if (count != config.model().parameterCount()) {
                throw failure(name, "the model of its configuration has " + config.model().parameterCount()
                        + " parameters, the file holds " + count + ": another model's shape");
            }
            float[][] arrays = new float[3][count];
            for (float[] array : arrays) {
                in.asFloatBuffer().get(array);
                in.position(in.position() + 4 * count);
            }
            return new Checkpoint(config, identity, step, epochs, batches, partial, arrays[0], arrays[1], arrays[2]);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw failure(name, "malformed checkpoint: " + e.getMessage());
        }
    }

    private static RunConfig config(int version, String json, String name) {
        return version == VERSION ? ConfigJson.fromJson(json, name) : ConfigJson.fromJsonWithOldDefaults(json, name);
    }

    /**
     * "truncated: N bytes, expected M ...", for a file that fails its checksum, when it ends before the
     * length its configuration's parameter count gives, and the count stored in the file, where the
     * file still holds it, agrees: so a damaged head, whose configuration does not parse or gives
     * another count, is not taken for a cut file.
     */
    private static Optional<String> truncation(byte[] bytes, String name) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int version = in.getInt(MAGIC.length);
        int jsonLength = in.getInt(HEAD_BYTES);
        if (jsonLength < 0 || jsonLength > MAX_CONFIG_BYTES || HEAD_BYTES + 4L + jsonLength > bytes.length) {
            return Optional.empty();
        }
        long count;
        try {
            count = config(version, new String(bytes, HEAD_BYTES + 4, jsonLength, StandardCharsets.UTF_8), name)
                    .model().parameterCount();
        } catch (VaeCudaException | IllegalArgumentException e) {
            return Optional.empty();
        }
        int countAt = HEAD_BYTES + 4 + jsonLength + (version == VERSION_WITHOUT_IDENTITY ? 0 : IDENTITY_BYTES)
                + POSITION_BYTES;
        long expected = countAt + 4 + 12 * count + 8;
        boolean countAgrees = bytes.length < countAt + 4 || in.getInt(countAt) == count;
        return bytes.length < expected && countAgrees ? Optional.of("truncated: " + bytes.length + " bytes, expected "
                + expected + " for its model of " + count + " parameters") : Optional.empty();
    }

    private static RunIdentity readIdentity(ByteBuffer in) {
        long runId = in.getLong();
        List<Long> sizes = List.of(in.getLong(), in.getLong(), in.getLong(), in.getLong());
        byte[] sha256 = new byte[SHA256_BYTES];
        in.get(sha256);
        return new RunIdentity(runId, new DataFingerprint(sizes, HexFormat.of().formatHex(sha256)));
    }

    private static VaeCudaException failure(String file, String problem) {
        return new VaeCudaException(VaeCudaException.FAILURE, file + ": " + problem);
    }
}
