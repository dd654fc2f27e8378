package dev.vaecuda.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Checkpoints as version 2 wrote them (a configuration without the activation, initialisation,
 * Adam's eps and learning rate schedule), made from current ones, for the tests of reading old files.
 */
public final class CheckpointVersion2 {
    private static final int VERSION_AT = CheckpointFile.MAGIC.length;
    private static final int JSON_LENGTH_AT = VERSION_AT + 4;

    private CheckpointVersion2() {
    }

    /** The same checkpoint in format version 2, with its own CRC32. */
    public static byte[] from(byte[] current) {
        ByteBuffer in = ByteBuffer.wrap(current);
        int jsonLength = in.getInt(JSON_LENGTH_AT);
        int jsonStart = JSON_LENGTH_AT + 4;
        JsonObject config = JsonParser.parseString(new String(current, jsonStart, jsonLength, StandardCharsets.UTF_8))
                .getAsJsonObject();
        config.getAsJsonObject("model").remove("activation");
        JsonObject training = config.getAsJsonObject("training");
        for (String option : new String[] {"initialization", "adamEpsilon", "lrSchedule"}) {
            training.remove(option);
        }
        byte[] json = config.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(current, 0, JSON_LENGTH_AT);
        out.writeBytes(ByteBuffer.allocate(4).putInt(json.length).array());
        out.writeBytes(json);
        out.write(current, jsonStart + jsonLength, current.length - jsonStart - jsonLength);
        byte[] v2 = out.toByteArray();
        ByteBuffer.wrap(v2).putInt(VERSION_AT, CheckpointFile.VERSION_WITHOUT_TRAINING_OPTIONS);
        CRC32 crc = new CRC32();
        crc.update(v2, 0, v2.length - 8);
        ByteBuffer.wrap(v2).putLong(v2.length - 8, crc.getValue());
        return v2;
    }
}
