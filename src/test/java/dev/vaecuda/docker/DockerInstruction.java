package dev.vaecuda.docker;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One Dockerfile instruction: its keyword (upper case), its argument text, continuations joined. */
record DockerInstruction(int line, String keyword, String arguments) {

    /** The arguments of the exec (JSON array) form, e.g. ENTRYPOINT ["java", "-jar", "x.jar"]. */
    List<String> execForm() {
        JsonElement json;
        try {
            json = JsonParser.parseString(arguments);
        } catch (RuntimeException e) {
            throw new AssertionError(this + ": not a JSON array", e);
        }
        if (!json.isJsonArray()) {
            throw new AssertionError(this + ": not in exec (JSON array) form");
        }
        JsonArray array = json.getAsJsonArray();
        List<String> words = new ArrayList<>();
        array.forEach(e -> words.add(e.getAsString()));
        return words;
    }

    /** The value of a flag such as --from=build or --platform=linux/amd64 before the other arguments. */
    Optional<String> flag(String name) {
        for (String word : words()) {
            if (!word.startsWith("--")) {
                break;
            }
            if (word.startsWith("--" + name + "=")) {
                return Optional.of(word.substring(name.length() + 3));
            }
        }
        return Optional.empty();
    }

    /** The arguments split at white space, flags included. */
    List<String> words() {
        return List.of(arguments.trim().split("\\s+"));
    }

    /** The arguments after the leading --flags. */
    List<String> operands() {
        return words().stream().dropWhile(w -> w.startsWith("--")).toList();
    }

    @Override
    public String toString() {
        return "line " + line + ": " + keyword + " " + arguments;
    }
}
