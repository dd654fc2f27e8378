package dev.vaecuda.train;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.vaecuda.Choices;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Enums in JSON by their names, as Gson writes them; a name that is none of the constants fails,
 * naming the field ("model.architecture must be MLP or CONV, got \"RESNET\""), where Gson's own
 * adapter would read null and the record would call the field missing.
 */
final class StrictEnums implements TypeAdapterFactory {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        Class<? super T> raw = type.getRawType();
        if (!raw.isEnum()) {
            return null;
        }
        return (TypeAdapter<T>) new Adapter(raw.asSubclass(Enum.class));
    }

    private static final class Adapter<E extends Enum<E>> extends TypeAdapter<E> {
        private final Class<E> type;

        Adapter(Class<E> type) {
            this.type = type;
        }

        @Override
        public void write(JsonWriter out, E value) throws IOException {
            if (value == null) {
                out.nullValue();
            } else {
                out.value(value.name());
            }
        }

        @Override
        public E read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            String name = in.nextString();
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(name)) {
                    return constant;
                }
            }
            String field = in.getPreviousPath().replaceFirst("^\\$\\.", "");
            List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
            throw new JsonParseException(field + " must be " + Choices.listed(names) + ", got \"" + name + "\"");
        }
    }
}
