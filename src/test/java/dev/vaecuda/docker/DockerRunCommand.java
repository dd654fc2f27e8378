package dev.vaecuda.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A `docker run` command line split into Docker's options, the image and the arguments for the image. */
record DockerRunCommand(List<String> volumes, Optional<String> entrypoint, String image, List<String> arguments) {

    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-v", "--volume", "--gpus", "-u", "--user",
            "-e", "--env", "--entrypoint", "--name", "-w", "--workdir");
    private static final Set<String> FLAGS = Set.of("--rm", "-i", "-t", "-it");

    /** Parses the words after `docker run`. */
    static DockerRunCommand parse(List<String> words) {
        List<String> volumes = new ArrayList<>();
        Optional<String> entrypoint = Optional.empty();
        int i = 0;
        while (i < words.size() && words.get(i).startsWith("-")) {
            String option = words.get(i);
            String value;
            if (option.contains("=")) {
                value = option.substring(option.indexOf('=') + 1);
                option = option.substring(0, option.indexOf('='));
                i++;
            } else if (OPTIONS_WITH_VALUE.contains(option) && i + 1 < words.size()) {
                value = words.get(i + 1);
                i += 2;
            } else if (FLAGS.contains(option)) {
                i++;
                continue;
            } else {
                throw new IllegalArgumentException("a docker run option this check does not know: " + option);
            }
            switch (option) {
                case "-v", "--volume" -> volumes.add(value);
                case "--entrypoint" -> entrypoint = Optional.of(value);
                default -> { }
            }
        }
        if (i == words.size()) {
            throw new IllegalArgumentException("no image in docker run " + String.join(" ", words));
        }
        return new DockerRunCommand(volumes, entrypoint, words.get(i), words.subList(i + 1, words.size()));
    }

    /** The path inside the container of each -v HOST:CONTAINER[:MODE]. */
    List<String> mountPoints() {
        return volumes.stream().map(v -> v.split(":")[1]).toList();
    }
}
