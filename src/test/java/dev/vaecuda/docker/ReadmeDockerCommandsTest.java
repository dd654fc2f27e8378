package dev.vaecuda.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vaecuda.cli.VaeCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/** The README's Docker commands are ones the image understands: its tag, its volumes, its command line. */
class ReadmeDockerCommandsTest {
    private final List<List<String>> commands = dockerCommands();
    private final DockerStage runtime = Dockerfile.read(Dockerfile.PROJECT).runtime();

    @Test
    void theReadmeBuildsTheImageFromTheProjectDockerfileAtTheRepositoryRoot() {
        List<String> build = theBuildCommand();
        assertEquals(Dockerfile.PROJECT.toString(), valueOf(build, "-f"));
        assertEquals(".", build.getLast(), "the build context is the repository root");
    }

    @Test
    void theReadmeRunsTheDefaultTrainingWithBothVolumesAndTheGpuSelftest() {
        List<DockerRunCommand> runs = runCommands();
        assertTrue(runs.stream().anyMatch(r -> r.arguments().isEmpty() && r.entrypoint().isEmpty()
                && r.mountPoints().containsAll(volumes())), "a run of the default command with data and runs mounted");
        assertTrue(runs.stream().anyMatch(r -> r.arguments().equals(List.of("selftest", "--device", "cuda"))),
                "a run of selftest --device cuda");
    }

    @TestFactory
    Stream<DynamicTest> everyDockerRunUsesTheBuiltTagMountsOnlyVolumesAndPassesArgumentsTheJarAccepts() {
        String tag = valueOf(theBuildCommand(), "-t");
        return runCommands().stream().map(run -> DynamicTest.dynamicTest(describe(run), () -> {
            assertEquals(tag, run.image());
            assertTrue(volumes().containsAll(run.mountPoints()), "mounts " + run.mountPoints() + ", volumes " + volumes());
            if (run.entrypoint().isEmpty()) {
                assertTheJarAccepts(run.arguments().isEmpty() ? runtime.last("CMD").orElseThrow().execForm() : run.arguments());
            }
        }));
    }

    private static String describe(DockerRunCommand run) {
        return run.entrypoint().map(e -> "--entrypoint " + e + " ").orElse("") + run.image() + " " + String.join(" ", run.arguments());
    }

    private static void assertTheJarAccepts(List<String> arguments) {
        CommandLine cli = VaeCli.create();
        try {
            cli.parseArgs(arguments.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            fail("the jar rejects " + arguments + ": " + e.getMessage());
        }
    }

    private List<String> volumes() {
        return runtime.last("VOLUME").orElseThrow().execForm();
    }

    private List<String> theBuildCommand() {
        List<List<String>> builds = commands.stream().filter(c -> c.get(1).equals("build")).toList();
        assertEquals(1, builds.size(), "one docker build in the README's Docker section");
        return builds.getFirst();
    }

    private List<DockerRunCommand> runCommands() {
        List<DockerRunCommand> runs = commands.stream().filter(c -> c.get(1).equals("run"))
                .map(c -> DockerRunCommand.parse(c.subList(2, c.size()))).toList();
        assertTrue(runs.size() >= 2, "docker run commands in the README's Docker section");
        return runs;
    }

    private static String valueOf(List<String> words, String option) {
        int i = words.indexOf(option);
        assertTrue(i >= 0 && i + 1 < words.size(), option + " in " + words);
        return words.get(i + 1);
    }

    /** The docker commands in the code blocks of the README's "## Docker" section, continuations joined. */
    private static List<List<String>> dockerCommands() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("README.md"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int start = lines.indexOf("## Docker");
        assertTrue(start >= 0, "README.md has a '## Docker' section");
        List<List<String>> commands = new ArrayList<>();
        boolean inCode = false;
        StringBuilder command = new StringBuilder();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (!inCode && line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (inCode) {
                boolean continues = line.endsWith("\\");
                command.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
                if (!continues) {
                    List<String> words = ShellWords.split(command.toString());
                    if (words.size() > 1 && words.getFirst().equals("docker")) {
                        commands.add(words);
                    }
                    command.setLength(0);
                }
            }
        }
        return commands;
    }
}
