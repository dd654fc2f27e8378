package dev.vaecuda.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The project's rules for docker/Dockerfile, checked without a Docker engine (none runs on the
 * development and CI machines). ci/lint-dockerfile.sh checks the syntax with a real linter.
 */
class DockerfileLintTest {
    private final Dockerfile dockerfile = Dockerfile.read(Dockerfile.PROJECT);
    private final DockerStage runtime = dockerfile.runtime();

    @Test
    void aMavenStageBuildsTheJarAndTheRuntimeStageIsTheCuda12RuntimeWithCudnnOnUbuntu2404() {
        assertTrue(dockerfile.stages().size() >= 2, "multi-stage");
        assertTrue(runtime.image().matches("nvidia/cuda:12\\.\\d+\\.\\d+-cudnn-runtime-ubuntu24\\.04"),
                "runtime base must be a CUDA 12 runtime image with cuDNN (it has libcublas.so.12 and libcudnn.so.9, which"
                        + " --arch conv needs on CUDA; base and plain runtime images lack one or both): " + runtime.image());
        DockerStage build = dockerfile.stage(jarCopy().flag("from").orElseThrow());
        assertTrue(build.image().startsWith("maven:") && build.image().contains("temurin-25"), build.image());
        build.indexOf("RUN", "mvn -B -ntp package");
    }

    @Test
    void theRuntimeStageIsLinuxAmd64LikeTheNativesInTheJar() {
        assertEquals(Optional.of("linux/amd64"), runtime.from().flag("platform"));
    }

    @Test
    void theBuildCachesDependenciesInALayerBeforeTheSourcesArrive() {
        DockerStage build = dockerfile.stage(jarCopy().flag("from").orElseThrow());
        int pom = build.indexOf("COPY", "pom.xml");
        int goOffline = build.indexOf("RUN", "dependency:go-offline");
        int sources = build.indexOf("COPY", "src/");
        assertTrue(pom < goOffline && goOffline < sources, "COPY pom.xml, RUN go-offline, then COPY src/");
    }

    @Test
    void everyBaseImageIsPinnedToAVersionTag() {
        Set<String> stageNames = dockerfile.stages().stream().flatMap(s -> s.name().stream()).collect(Collectors.toSet());
        for (DockerStage stage : dockerfile.stages()) {
            String image = stage.image();
            if (stageNames.contains(image)) {
                continue;
            }
            String tag = image.substring(image.lastIndexOf('/') + 1);
            assertTrue(tag.contains("@sha256:") || tag.matches("[^:]+:\\d[\\w.-]*"),
                    stage.from() + ": pin a version tag (or a digest), not a moving or missing tag");
            assertFalse(tag.contains("latest"), stage.from().toString());
        }
    }

    @Test
    void theImageRunsTheJarDirectlyAsANonRootUser() {
        DockerInstruction user = runtime.last("USER").orElseThrow(() -> new AssertionError("runtime stage has no USER"));
        String name = user.arguments().split(":")[0];
        assertFalse(name.equals("root") || name.equals("0"), user.toString());
        assertEquals(List.of("java", "-jar", Dockerfile.JAR_IN_IMAGE), runtime.last("ENTRYPOINT").orElseThrow().execForm());
        assertEquals(List.of("train"), runtime.last("CMD").orElseThrow().execForm());
        assertEquals(Dockerfile.JAR_IN_IMAGE, jarCopy().operands().getLast());
    }

    @Test
    void dataAndRunsAreVolumesInTheWorkingDirectorySoTheJarsDefaultsResolveIntoThem() {
        String workdir = runtime.last("WORKDIR").orElseThrow().arguments();
        assertTrue(workdir.startsWith("/"), "WORKDIR must be absolute: " + workdir);
        assertEquals(List.of(workdir + "/data", workdir + "/runs"), runtime.last("VOLUME").orElseThrow().execForm());
    }

    @Test
    void packagesComeFromAptWithoutRecommendsAndTheListsAreRemovedInTheSameLayer() {
        for (DockerStage stage : dockerfile.stages()) {
            for (DockerInstruction run : stage.all("RUN")) {
                String command = run.arguments();
                if (command.contains("apt-get install")) {
                    assertTrue(command.contains("apt-get update"), run + ": update in the same RUN");
                    assertTrue(command.contains("--no-install-recommends") && command.contains("-y"), run.toString());
                    assertTrue(command.contains("rm -rf /var/lib/apt/lists/*"), run + ": remove the apt lists");
                }
                assertFalse(command.matches(".*\\bsudo\\b.*"), run.toString());
            }
        }
    }

    @Test
    void filesComeInWithCopyNotAdd() {
        for (DockerStage stage : dockerfile.stages()) {
            assertEquals(List.of(), stage.all("ADD"), "ADD fetches URLs and unpacks archives; use COPY");
        }
    }

    @Test
    void theBuildContextLeavesOutBuildOutputsDataAndRuns() throws IOException {
        List<String> ignored = Files.readAllLines(Path.of(".dockerignore"));
        for (String entry : List.of(".git", "target/", "runs/", "data/mnist/", "data/fashion-mnist/")) {
            assertTrue(ignored.contains(entry), ".dockerignore lacks " + entry);
        }
    }

    private DockerInstruction jarCopy() {
        return runtime.all("COPY").stream()
                .filter(c -> c.arguments().contains("target/vae-cuda.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("runtime stage copies no target/vae-cuda.jar"));
    }
}
