package dev.vaecuda.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One case of {@code conv_vae_fixture.json}, which src/test/fixtures/make_conv_vae_fixture.py
 * writes with PyTorch: a convolutional VAE's parameters (our flat layout), a batch of images x
 * (rows, pixels), the eps it drew, and torch's float64 loss and gradient of every parameter.
 * Floats are read with {@link Float#parseFloat}, which gives the script's float32 values exactly.
 */
record TorchVaeCase(String name, ModelConfig config, int rows, long seed, int stream, long step, float[] x,
                    float[] eps, float[] parameters, double loss, double[] gradients) {
    private static final String RESOURCE = "conv_vae_fixture.json";

    static List<TorchVaeCase> load() {
        try (Reader reader = new InputStreamReader(TorchVaeCase.class.getResourceAsStream(RESOURCE),
                StandardCharsets.UTF_8)) {
            return elements(JsonParser.parseReader(reader).getAsJsonObject().getAsJsonArray("cases"))
                    .map(c -> of(c.getAsJsonObject())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TorchVaeCase of(JsonObject c) {
        ModelConfig config = new ModelConfig(c.get("height").getAsInt(), c.get("width").getAsInt(),
                ints(c.getAsJsonArray("hidden")), c.get("latent").getAsInt(),
                LossKind.valueOf(c.get("loss").getAsString()), c.get("beta").getAsFloat(),
                Activation.valueOf(c.get("activation").getAsString()), Architecture.CONV,
                ints(c.getAsJsonArray("channels")));
        double[] gradients = elements(c.getAsJsonArray("gradients")).mapToDouble(JsonElement::getAsDouble).toArray();
        return new TorchVaeCase(c.get("name").getAsString(), config, c.get("rows").getAsInt(),
                c.get("seed").getAsLong(), c.get("stream").getAsInt(), c.get("step").getAsLong(),
                floats(c.getAsJsonArray("x")), floats(c.getAsJsonArray("eps")),
                floats(c.getAsJsonArray("parameters")), c.get("lossValue").getAsDouble(), gradients);
    }

    private static Stream<JsonElement> elements(JsonArray array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    private static List<Integer> ints(JsonArray array) {
        return elements(array).map(JsonElement::getAsInt).toList();
    }

    private static float[] floats(JsonArray array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsFloat();
        }
        return values;
    }

    @Override
    public String toString() {
        return name;
    }
}
