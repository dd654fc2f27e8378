package dev.vaecuda.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Activation;
import dev.vaecuda.model.Adam;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.Initialization;

/** config.json and the configuration inside checkpoints. */
public final class ConfigJson {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
            .registerTypeAdapterFactory(new StrictEnums()).create();

    private ConfigJson() {
    }

    public static String toJson(RunConfig config) {
        return GSON.toJson(config);
    }

    /** Parses and validates; a problem names {@code source}. */
    public static RunConfig fromJson(String json, String source) {
        return fromTree(parse(json, source), source);
    }

    /**
     * A configuration of checkpoint formats 1 to 4, each without some of what came later: formats 1
     * and 2 were written before --activation, --init, --adam-eps and --lr-schedule (those runs had
     * ReLU, PyTorch's initialisation, eps 1e-8 and a constant rate), 1 to 3 before --arch (MLPs),
     * all four before colour (grey images).
     */
    static RunConfig fromJsonWithOldDefaults(String json, String source) {
        JsonElement tree = parse(json, source);
        if (tree != null && tree.isJsonObject()) {
            JsonObject root = tree.getAsJsonObject();
            if (root.get("model") instanceof JsonObject model) {
                addIfAbsent(model, "activation", Activation.RELU.name());
                addIfAbsent(model, "architecture", Architecture.MLP.name());
                if (!model.has("imageChannels")) {
                    model.addProperty("imageChannels", 1);
                }
                if (!model.has("channels")) {
                    model.add("channels", new JsonArray());
                }
            }
            if (root.get("training") instanceof JsonObject training) {
                addIfAbsent(training, "initialization", Initialization.PYTORCH.name());
                if (!training.has("adamEpsilon")) {
                    training.addProperty("adamEpsilon", Adam.EPSILON);
                }
                addIfAbsent(training, "lrSchedule", LearningRateSchedule.CONSTANT.name());
            }
        }
        return fromTree(tree, source);
    }

    private static void addIfAbsent(JsonObject object, String name, String value) {
        if (!object.has(name)) {
            object.addProperty(name, value);
        }
    }

    private static JsonElement parse(String json, String source) {
        try {
            return JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw badConfiguration(source, e);
        }
    }

    private static RunConfig fromTree(JsonElement tree, String source) {
        try {
            RunConfig config = GSON.fromJson(tree, RunConfig.class);
            if (config == null) {
                throw new VaeCudaException(VaeCudaException.FAILURE, source + ": configuration is empty");
            }
            return config;
        } catch (VaeCudaException e) {
            throw e;
        } catch (RuntimeException e) {
            throw badConfiguration(source, e);
        }
    }

    /** Gson wraps the records' validation errors in its own exceptions: report the root cause. */
    private static VaeCudaException badConfiguration(String source, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return new VaeCudaException(VaeCudaException.FAILURE, source + ": bad configuration: "
                + VaeCudaException.firstLine(cause));
    }
}
