package dev.vaecuda.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small Dockerfile and shell parsers that the Docker checks stand on. */
class DockerfileParsingTest {

    @Test
    void continuationsAreJoinedAndCommentAndEmptyLinesSkippedEvenInsideThem() {
        List<DockerInstruction> parsed = Dockerfile.parse(List.of(
                "# a comment", "ARG V=1", "", "from --platform=linux/amd64 base:1.2 AS build",
                "RUN apt-get update \\", "    # inside a continuation", "", "    && echo done",
                "ENTRYPOINT [\"java\", \"-jar\", \"/x.jar\"]"));

        assertEquals(List.of("ARG", "FROM", "RUN", "ENTRYPOINT"), parsed.stream().map(DockerInstruction::keyword).toList());
        assertEquals("apt-get update && echo done", parsed.get(2).arguments());
        assertEquals(5, parsed.get(2).line());
        assertEquals(Optional.of("linux/amd64"), parsed.get(1).flag("platform"));
        assertEquals(List.of("base:1.2", "AS", "build"), parsed.get(1).operands());
        assertEquals(List.of("java", "-jar", "/x.jar"), parsed.get(3).execForm());
    }

    @Test
    void theShellFormIsNotTheExecForm() {
        DockerInstruction shellForm = new DockerInstruction(1, "CMD", "train --epochs 1");
        assertThrows(AssertionError.class, shellForm::execForm);
    }

    @Test
    void shellWordsKeepQuotedTextWholeAndStopAtAComment() {
        assertEquals(List.of("docker", "run", "--user", "$(id -u):$(id -g)", "-v", "$PWD/data:/workspace/data", "img"),
                ShellWords.split("docker run --user \"$(id -u):$(id -g)\" -v '$PWD/data:/workspace/data' img  # note"));
    }

    @Test
    void dockerRunSeparatesDockersOptionsFromTheImageAndItsArguments() {
        DockerRunCommand run = DockerRunCommand.parse(List.of("--rm", "--gpus", "all", "-v", "/h/data:/workspace/data:ro",
                "--entrypoint=nvidia-smi", "vae-cuda:0.1.0", "train", "--epochs", "2"));

        assertEquals(List.of("/workspace/data"), run.mountPoints());
        assertEquals(Optional.of("nvidia-smi"), run.entrypoint());
        assertEquals("vae-cuda:0.1.0", run.image());
        assertEquals(List.of("train", "--epochs", "2"), run.arguments());
        assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse(List.of("--privileged", "img")));
    }
}
