package dev.vaecuda.cli;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the user can start this program again from the folder they are in: {@code java -jar
 * target/vae-cuda.jar}, with the jar's path relative to that folder when it lies below it, and
 * the java on PATH when it is the one running (else its full path: the default java may be too
 * old for this jar). Messages and help print it in front of the commands they suggest.
 */
final class LaunchCommand {
    /** The name when not started from a jar (tests, IDEs). */
    static final String PROGRAM = "vae-cuda";

    private LaunchCommand() {
    }

    static String current() {
        return jar().map(jar -> SuggestedCommand.quote(java()) + " -jar " + SuggestedCommand.quote(jar))
                .orElse(PROGRAM);
    }

    private static Optional<String> jar() {
        CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            Path code = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(code)) {
                return Optional.empty();
            }
            Path here = Path.of("").toAbsolutePath();
            Path jar = code.toAbsolutePath().normalize();
            return Optional.of((jar.startsWith(here) ? here.relativize(jar) : jar).toString());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String java() {
        Path running = Path.of(System.getProperty("java.home"), "bin", "java");
        String path = System.getenv().getOrDefault("PATH", "");
        Optional<Path> onPath = Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "java")).filter(Files::isExecutable).findFirst();
        return onPath.filter(found -> sameFile(found, running)).isPresent() ? "java" : running.toString();
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
