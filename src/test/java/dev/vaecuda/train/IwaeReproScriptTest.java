package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * repro/iwae-vae.sh's own logic, with a stand-in `java` (JAVA_HOME points at it) that logs its
 * arguments and plays the trainer: a fresh folder gets the paper's settings, a folder with a
 * checkpoint is resumed, each epoch line is followed by the remaining time, the k = 5000
 * evaluation runs from the run's seed and from a second one, and a trainer that fails or is
 * stopped by SIGTERM (forwarded by the script) skips the evaluations and says how to continue.
 */
class IwaeReproScriptTest {
    private static final String STAND_IN = """
            #!/usr/bin/env bash
            if [[ "$1" == -version ]]; then echo 'openjdk version "25.0.0"' >&2; exit 0; fi
            echo "$*" >> "$CALLS"
            if [[ "$3" == eval ]]; then
              if [[ "$*" == *"--seed 2"* ]]; then echo "-log p(x), K = 5000  86.6"; else echo "-log p(x), K = 5000  86.5"; fi
              echo "active units (Cov_x(E_q[u]) > 0.01)  21 of 50"
              exit 0
            fi
            case "$TRAINER" in
              ok) for ((i = 1; i < $#; i++)); do
                    if [[ ${!i} == --out ]]; then j=$((i + 1)); mkdir -p "${!j}"; fi
                  done
                  printf 'epoch 1/3280  train_loss 120.0  test_loss 119.0  4.00 s  15000 images/s\\n'
                  printf 'epoch 2/3280  train_loss 113.0  test_loss 112.4  4.00 s  15000 images/s\\n' ;;
              fails) echo "error: something broke" >&2; exit 1 ;;
              waits) trap 'echo "trainer got SIGTERM"; exit 143' TERM
                     touch "$CALLS.started"
                     for i in $(seq 1 300); do sleep 0.1; done
                     exit 0 ;;
            esac
            """;

    @TempDir
    Path dir;

    private Path javaHome;
    private Path calls;
    private Path data;
    private Path out;
    private Path jar;

    @BeforeEach
    void standIn() throws IOException {
        javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        Path java = Files.writeString(javaHome.resolve("bin/java"), STAND_IN);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        calls = dir.resolve("calls.txt");
        data = Files.createDirectories(dir.resolve("data"));
        out = dir.resolve("run");
        jar = Files.writeString(dir.resolve("vae-cuda.jar"), "");
    }

    private Process start(String trainer) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "repro/iwae-vae.sh", data.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("output.txt").toFile());
        builder.environment().putAll(java.util.Map.of("JAVA_HOME", javaHome.toString(), "CALLS", calls.toString(),
                "TRAINER", trainer, "VAE_JAR", jar.toString(), "VAE_THREADS", "1", "VAE_DEVICE", "cpu"));
        return builder.start();
    }

    private String finish(Process process) throws Exception {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the script ended");
        return Files.readString(dir.resolve("output.txt"));
    }

    @Test
    void freshRunTrainsWithThePapersSettingsThenEvaluatesFromTwoSeeds() throws Exception {
        Process script = start("ok");
        String output = finish(script);
        assertEquals(0, script.exitValue(), output);
        List<String> lines = Files.readAllLines(calls);
        assertEquals(3, lines.size(), lines.toString());
        String device = " --device cpu --threads 1";
        assertEquals("-jar " + jar + " train" + device + " --data " + data + " --out " + out + " --epochs 3280"
                + " --hidden 200,200 --latent 50 --activation tanh --init glorot --batch-size 20 --lr 1e-3"
                + " --adam-eps 1e-4 --lr-schedule iwae --binarize --seed 1 --figures-every 100", lines.get(0));
        String eval = "-jar " + jar + " eval" + device + " --checkpoint " + out.resolve("checkpoint.vae") + " --data "
                + data + " --iw-samples 5000";
        assertEquals(eval + " --out " + out.resolve("eval.csv"), lines.get(1));
        assertEquals(eval + " --seed 2 --out " + out.resolve("eval-seed2.csv"), lines.get(2));
        // each epoch line is followed by the estimate, from this invocation's time per epoch
        assertTrue(output.matches("(?s).*epoch 1/3280 [^\n]*\nestimated remaining: \\d+ h \\d\\d min \\(3279 epochs at "
                + "\\d+\\.\\d s each\\), then the k = 5000 evaluations\n.*epoch 2/3280 [^\n]*\nestimated remaining: [^\n]*"
                + "\\(3278 epochs.*"), output);
        assertTrue(output.indexOf("-log p(x)") > output.lastIndexOf("estimated remaining"),
                "the evaluation prints after training's last line:\n" + output);
        assertEquals("-log p(x), K = 5000  86.5\nactive units (Cov_x(E_q[u]) > 0.01)  21 of 50\n",
                Files.readString(out.resolve("eval.txt")));
        assertEquals("-log p(x), K = 5000  86.6\nactive units (Cov_x(E_q[u]) > 0.01)  21 of 50\n",
                Files.readString(out.resolve("eval-seed2.txt")));
        assertTrue(output.endsWith("\nVAE, k = 1: -log p(x) 86.5 nats (seed 1), 86.6 (seed 2), 21 active units of 50;"
                + " the paper: 86.76 nats, 19 active units; the target: at most 87.76\n"), output);
    }

    @Test
    void aFolderWithACheckpointIsResumed() throws Exception {
        Files.createDirectories(out);
        Files.writeString(out.resolve("checkpoint.vae"), "");
        Process script = start("ok");
        String output = finish(script);
        assertEquals(0, script.exitValue(), output);
        assertTrue(output.startsWith("resuming " + out.resolve("checkpoint.vae") + " up to epoch 3280\n"), output);
        assertEquals("-jar " + jar + " train --device cpu --threads 1 --data " + data + " --resume "
                + out.resolve("checkpoint.vae") + " --epochs 3280 --figures-every 100", Files.readAllLines(calls).getFirst());
    }

    @Test
    void aFailedTrainerSkipsTheEvaluationAndSaysHowToContinue() throws Exception {
        Process script = start("fails");
        String output = finish(script);
        assertEquals(1, script.exitValue(), output);
        assertTrue(output.contains("training stopped with exit status 1; run this script again to continue from "
                + out.resolve("checkpoint.vae")), output);
        assertEquals(1, Files.readAllLines(calls).size(), "no evaluation after a failed training");
    }

    @Test
    void sigtermReachesTheTrainerAndSkipsTheEvaluation() throws Exception {
        Process script = start("waits");
        Path started = Path.of(calls + ".started");
        for (int i = 0; i < 300 && !Files.exists(started); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(started), "the trainer started");
        script.toHandle().destroy();  // SIGTERM to the script
        String output = finish(script);
        assertEquals(143, script.exitValue(), output);
        assertTrue(output.contains("trainer got SIGTERM"), output);
        assertFalse(output.contains("eval"), output);
        assertEquals(1, Files.readAllLines(calls).size(), "no evaluation after a stop");
    }
}
