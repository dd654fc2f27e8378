package dev.vaecuda.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Checkpoints as version 3 wrote them (a configuration without the architecture and the conv
 * channels: MLPs only), made from current ones, for the tests of reading old files.
 */
public final class CheckpointVersion3 {
    private static final int VERSION_AT = CheckpointFile.MAGIC.length;
    private static final int JSON_LENGTH_AT = VERSION_AT + 4;

    private CheckpointVersion3() {
    }

    /** The same checkpoint of an MLP in format version 3, with its own CRC32. */
    public static byte[] from(byte[] current) {
        return rewritten(CheckpointVersion4.from(current), CheckpointFile.VERSION_WITHOUT_ARCHITECTURE, config -> {
            config.getAsJsonObject("model").remove("architecture");
            config.getAsJsonObject("model").remove("channels");
        });
    }

    /** {@code checkpoint} with its configuration changed by {@code edit}, marked as format {@code version}, resealed. */
    static byte[] rewritten(byte[] checkpoint, int version, Consumer<JsonObject> edit) {
        int jsonLength = ByteBuffer.wrap(checkpoint).getInt(JSON_LENGTH_AT);
        int jsonStart = JSON_LENGTH_AT + 4;
        JsonObject config = JsonParser.parseString(new String(checkpoint, jsonStart, jsonLength, StandardCharsets.UTF_8))
                .getAsJsonObject();
        edit.accept(config);
        byte[] json = config.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(checkpoint, 0, JSON_LENGTH_AT);
        out.writeBytes(ByteBuffer.allocate(4).putInt(json.length).array());
        out.writeBytes(json);
        out.write(checkpoint, jsonStart + jsonLength, checkpoint.length - jsonStart - jsonLength);
        byte[] rewritten = out.toByteArray();
        ByteBuffer.wrap(rewritten).putInt(VERSION_AT, version);
        CRC32 crc = new CRC32();
        crc.update(rewritten, 0, rewritten.length - 8);
        ByteBuffer.wrap(rewritten).putLong(rewritten.length - 8, crc.getValue());
        return rewritten;
    }
}
