package dev.vaecuda.train;

/**
 * Checkpoints as version 4 wrote them (a configuration without the images' channels: grey images
 * only), made from current ones, for the tests of reading old files.
 */
public final class CheckpointVersion4 {
    private CheckpointVersion4() {
    }

    /** The same checkpoint of a grey model in format version 4, with its own CRC32. */
    public static byte[] from(byte[] current) {
        return CheckpointVersion3.rewritten(current, CheckpointFile.VERSION_WITHOUT_IMAGE_CHANNELS,
                config -> config.getAsJsonObject("model").remove("imageChannels"));
    }
}
