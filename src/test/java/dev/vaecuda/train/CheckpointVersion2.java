package dev.vaecuda.train;

import com.google.gson.JsonObject;

/**
 * Checkpoints as version 2 wrote them (a configuration without the activation, initialisation,
 * Adam's eps and learning rate schedule), made from current ones, for the tests of reading old files.
 */
public final class CheckpointVersion2 {
    private CheckpointVersion2() {
    }

    /** The same checkpoint of an MLP in format version 2: version 3's without those options, with its own CRC32. */
    public static byte[] from(byte[] current) {
        return CheckpointVersion3.rewritten(CheckpointVersion3.from(current), CheckpointFile.VERSION_WITHOUT_TRAINING_OPTIONS,
                config -> {
                    config.getAsJsonObject("model").remove("activation");
                    JsonObject training = config.getAsJsonObject("training");
                    for (String option : new String[] {"initialization", "adamEpsilon", "lrSchedule"}) {
                        training.remove(option);
                    }
                });
    }
}
