package dev.vaecuda.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a Dockerfile's syntax that the project's checks need: comment and empty lines (also
 * inside backslash continuations, which Docker skips too), instructions and stages.
 */
record Dockerfile(Path path, List<DockerStage> stages) {

    /** The project's image definition, relative to the repository root that Maven runs in. */
    static final Path PROJECT = Path.of("docker", "Dockerfile");
    /** Where the project's image keeps the jar that its ENTRYPOINT runs. */
    static final String JAR_IN_IMAGE = "/opt/vae-cuda/vae-cuda.jar";

    static Dockerfile read(Path path) {
        try {
            return new Dockerfile(path, stagesOf(parse(Files.readAllLines(path))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last stage: what `docker build` makes the image of. */
    DockerStage runtime() {
        return stages.getLast();
    }

    DockerStage stage(String name) {
        return stages.stream().filter(s -> s.name().orElse("").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(path + " has no stage named " + name));
    }

    static List<DockerInstruction> parse(List<String> lines) {
        List<DockerInstruction> instructions = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int start = 0;
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (text.isEmpty()) {
                start = n;
            }
            boolean continues = trimmed.endsWith("\\");
            text.append(continues ? trimmed.substring(0, trimmed.length() - 1).stripTrailing() : trimmed).append(' ');
            if (!continues) {
                String[] parts = text.toString().strip().split("\\s+", 2);
                instructions.add(new DockerInstruction(start, parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
                text.setLength(0);
            }
        }
        if (!text.isEmpty()) {
            throw new AssertionError("line " + start + ": continuation at the end of the file");
        }
        return instructions;
    }

    private static List<DockerStage> stagesOf(List<DockerInstruction> instructions) {
        List<DockerStage> stages = new ArrayList<>();
        DockerInstruction from = null;
        List<DockerInstruction> body = new ArrayList<>();
        for (DockerInstruction instruction : instructions) {
            if (instruction.keyword().equals("FROM")) {
                if (from != null) {
                    stages.add(new DockerStage(from, List.copyOf(body)));
                }
                from = instruction;
                body.clear();
            } else if (from == null && !instruction.keyword().equals("ARG")) {
                throw new AssertionError(instruction + ": only ARG may come before the first FROM");
            } else if (from != null) {
                body.add(instruction);
            }
        }
        if (from == null) {
            throw new AssertionError("no FROM instruction");
        }
        stages.add(new DockerStage(from, List.copyOf(body)));
        return stages;
    }
}
