package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.ReadmeBlocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

/**
 * The README's "Use it from Java" section holds: its ```java block compiles against the API in
 * target/classes (its imports on top, its statements as a method's body), and its dependency
 * snippet and examples/anomaly name the version this pom builds.
 */
class ReadmeSnippetTest {

    /** The snippet as a compilation unit: its imports, then the rest inside a method that may throw. */
    static String asClass(String snippet) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : snippet.lines().toList()) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        return imports + "class ReadmeSnippet {\n    static void run() throws Exception {\n" + body + "    }\n}\n";
    }

    @Test
    void theJavaBlockCompilesAgainstTheApi(@TempDir Path dir) throws IOException {
        List<String> java = ReadmeBlocks.of(Files.readAllLines(Path.of("README.md")), "java");
        assertEquals(1, java.size(), "one ```java block in README.md");
        String unit = asClass(java.getFirst());
        Path source = Files.writeString(dir.resolve("ReadmeSnippet.java"), unit);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
            boolean compiled = compiler.getTask(null, files, diagnostics,
                    List.of("-classpath", Path.of("target", "classes").toString(), "-d", dir.toString(), "-Xlint:all", "-Werror"),
                    null, files.getJavaFileObjects(source)).call();
            assertTrue(compiled, () -> "README.md's ```java block, as compiled:\n" + unit + diagnostics.getDiagnostics());
        }
    }

    @Test
    void theDependencySnippetAndTheExampleNameThisVersion() throws Exception {
        String version = projectVersion();
        List<String> xml = ReadmeBlocks.of(Files.readAllLines(Path.of("README.md")), "xml");
        assertEquals(1, xml.size(), "one ```xml block in README.md");
        assertTrue(xml.getFirst().contains("<version>" + version + "</version>"), xml.getFirst());
        Matcher example = Pattern.compile("<vae-cuda.version>(.*)</vae-cuda.version>")
                .matcher(Files.readString(Path.of("examples/anomaly/pom.xml")));
        assertTrue(example.find(), "examples/anomaly/pom.xml sets vae-cuda.version");
        assertEquals(version, example.group(1), "examples/anomaly/pom.xml's vae-cuda.version");
    }

    /** The version element directly under the pom's project element. */
    private static String projectVersion() throws Exception {
        NodeList children = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
                .getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i).getNodeName().equals("version")) {
                return children.item(i).getTextContent().strip();
            }
        }
        throw new AssertionError("pom.xml has no project version");
    }
}
