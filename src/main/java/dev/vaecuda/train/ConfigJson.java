package dev.vaecuda.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
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
            if (config == null) {
                throw new VaeCudaException(VaeCudaException.FAILURE, source + ": configuration is empty");
            }
            return config;
        } catch (VaeCudaException e) {
            throw e;
        } catch (RuntimeException e) {
            // Gson wraps the records' validation errors in its own exceptions: report the root cause
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new VaeCudaException(VaeCudaException.FAILURE, source + ": bad configuration: "
                    + (cause.getMessage() == null ? cause.toString() : cause.getMessage()).lines().findFirst().orElse(""));
        }
    }
}
