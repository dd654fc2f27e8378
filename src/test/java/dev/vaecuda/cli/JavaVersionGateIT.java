package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar on a java older than 25 (the default one of Debian 12, /usr/bin/java, 17 here): one
 * line that names the version found and what to do, exit 1, instead of UnsupportedClassVersionError.
 */
class JavaVersionGateIT {
    private static final Path JAR = Path.of(System.getProperty("vae.jar"));
    private static final Path OLD_JAVA = Path.of("/usr/bin/java");

    @Test
    void anOlderJavaIsToldWhatItNeedsInOneLine(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(OLD_JAVA), "no /usr/bin/java");
        ChildProcess version = ChildProcess.start(List.of(OLD_JAVA.toString(), "-version"), dir);
        version.waitFor();
        assumeTrue(!version.err().contains("version \"25") && !version.err().contains("version \"26"),
                "/usr/bin/java is not older than 25: " + version.err());
        ChildProcess run = ChildProcess.start(List.of(OLD_JAVA.toString(), "-jar", JAR.toString(), "info"), dir, dir, Map.of());
        assertEquals(1, run.waitFor(), run.toString());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), run.toString());
        assertTrue(err.startsWith("error: vae-cuda needs Java 25 or later, found "), run.toString());
        assertTrue(err.endsWith("`source ci/jdk25.sh` puts one first on PATH)"), run.toString());
    }
}
