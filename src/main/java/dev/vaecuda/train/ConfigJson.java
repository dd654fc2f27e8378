package dev.vaecuda.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.vaecuda.VaeCudaException;

/** config.json and the configuration inside checkpoints. */
public final class ConfigJson {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private ConfigJson() {
    }

    public static String toJson(RunConfig config) {
        return GSON.toJson(config);
    }

    /** Parses and validates; a problem names {@code source}. */
    public static RunConfig fromJson(String json, String source) {
        try {
            RunConfig config = GSON.fromJson(json, RunConfig.class);
            if (config == null || config.model() == null || config.training() == null) {
                throw new VaeCudaException(VaeCudaException.FAILURE, source + ": configuration is incomplete");
            }
            return config;
        } catch (JsonParseException | IllegalArgumentException | NullPointerException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, source + ": bad configuration: " + e.getMessage());
        }
    }
}
