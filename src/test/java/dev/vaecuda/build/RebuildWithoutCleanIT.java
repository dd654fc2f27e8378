package dev.vaecuda.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second `mvn package` without `clean` is as quiet as the first: the jar plugin builds
 * target/vae-cuda.jar from the classes again instead of keeping the uber jar that shade left
 * there, which shade would merge with the dependencies once more (a warning per overlapping jar).
 * Runs the project's pom on a copy of target/classes, the jar and shade goals only, twice.
 */
class RebuildWithoutCleanIT {
    private static final Path MAVEN = Path.of(System.getProperty("maven.home"), "bin", "mvn");

    @TempDir
    Path project;

    @Test
    void aSecondJarAndShadeWarnNothing() throws Exception {
        Files.copy(Path.of("pom.xml"), project.resolve("pom.xml"));
        copyTree(Path.of("target", "classes"), project.resolve("target").resolve("classes"));
        String first = jarAndShade();
        assertEquals(List.of(), warnings(first), first);
        String second = jarAndShade();
        assertTrue(second.contains("Replacing original artifact with shaded artifact"), second);
        assertEquals(List.of(), warnings(second), second);
    }

    private String jarAndShade() throws Exception {
        Path log = Files.createTempFile(project, "mvn", ".log");
        ProcessBuilder builder = new ProcessBuilder(MAVEN.toString(), "-B", "-o", "jar:jar", "shade:shade@default")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process maven = builder.start();
        assertTrue(maven.waitFor(3, TimeUnit.MINUTES), "mvn still running after 3 minutes");
        String output = Files.readString(log);
        assertEquals(0, maven.exitValue(), output);
        return output;
    }

    private static List<String> warnings(String output) {
        return output.lines().filter(line -> line.startsWith("[WARNING]")).toList();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
