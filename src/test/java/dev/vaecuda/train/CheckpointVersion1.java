package dev.vaecuda.train;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/** Checkpoints as version 1 wrote them (no run identity), made from current ones, for the tests of reading old files. */
public final class CheckpointVersion1 {
    // run id, four IDX sizes, SHA-256
    private static final int IDENTITY_BYTES = 8 + 4 * 8 + 32;

    private CheckpointVersion1() {
    }

    /** The same checkpoint in format version 1: version 2's without the identity block, with its own CRC32. */
    public static byte[] from(byte[] current) {
        byte[] version2 = CheckpointVersion2.from(current);
        int identityStart = CheckpointFile.MAGIC.length + 8 + ByteBuffer.wrap(version2).getInt(CheckpointFile.MAGIC.length + 4);
        byte[] v1 = new byte[version2.length - IDENTITY_BYTES];
        System.arraycopy(version2, 0, v1, 0, identityStart);
        System.arraycopy(version2, identityStart + IDENTITY_BYTES, v1, identityStart, v1.length - identityStart);
        ByteBuffer.wrap(v1).putInt(CheckpointFile.MAGIC.length, CheckpointFile.VERSION_WITHOUT_IDENTITY);
        CRC32 crc = new CRC32();
        crc.update(v1, 0, v1.length - 8);
        ByteBuffer.wrap(v1).putLong(v1.length - 8, crc.getValue());
        return v1;
    }
}
