package dev.vaecuda.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second `mvn package` without `clean` is as quiet as the first, and leaves the two jars apart: the
 * library jar (what `mvn install` installs) holds the project's classes only, the uber jar
 * target/vae-cuda.jar holds its dependencies too. Runs the project's pom on a copy of
 * target/classes, the jar and shade goals only, twice.
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
        assertEquals(List.of(), warnings(second), second);
        String picocli = "picocli/CommandLine.class";
        assertTrue(entries(project.resolve("target/vae-cuda.jar")).contains(picocli), "the uber jar carries picocli");
        List<String> library;
        try (Stream<Path> jars = Files.list(project.resolve("target"))) {
            library = entries(jars.filter(jar -> jar.getFileName().toString().matches("vae-cuda-[0-9].*\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no library jar in target/")));
        }
        assertTrue(library.contains("dev/vaecuda/api/VaeModel.class"), "the library jar holds the API");
        assertFalse(library.contains(picocli), "the library jar holds no dependency");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(JarEntry::getName).toList();
        }
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
