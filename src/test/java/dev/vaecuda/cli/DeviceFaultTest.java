package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.cuda.EmulatedRuntime;
import dev.vaecuda.data.SyntheticDigits;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Device faults in `train --device emulated`, injected into the CUDA emulator: running out of
 * device memory names the size asked and the size free; a kernel that fails inside a training
 * step is named with the step; both are one line and exit 1, and the last checkpoint stays.
 */
class DeviceFaultTest {
    @TempDir
    static Path data;

    @TempDir
    Path out;

    @BeforeAll
    static void writeData() {
        SyntheticDigits.writeIdx(data, 50, 25, 28, 28);
    }

    @AfterEach
    void removeFaults() {
        EmulatedRuntime.limitMemory(0);
        EmulatedRuntime.failLaunch(null, 0);
    }

    private CliRunner train(boolean replaySteps) {
        List<String> args = new ArrayList<>(List.of("train", "--device", "emulated", "--data", data.toString(),
                "--out", out.toString(), "--hidden", "32", "--latent", "4", "--batch-size", "25", "--epochs", "2"));
        if (!replaySteps) {
            args.add("--no-graph");
        }
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void runningOutOfDeviceMemoryNamesTheSizeAskedAndTheSizeFree() {
        // room for the data set (50 + 25 images of 784 bytes) but not for the model's buffers
        EmulatedRuntime.limitMemory(100_000);
        CliRunner result = train(true);
        result.assertOneLineError(1, "emu_malloc failed: out of device memory: asked for ");
        assertTrue(result.err().matches("(?s)error: emu_malloc failed: out of device memory: asked for \\d+ bytes"
                + " \\(\\d+\\.\\d MiB\\), \\d+\\.\\d MiB free of \\d+\\.\\d MiB; a smaller model, --batch-size or --limit"
                + " needs less\\s*"), result.err());
    }

    @ParameterizedTest(name = "replaying a recorded step: {0}")
    @ValueSource(booleans = {true, false})
    void aKernelThatFailsInsideAStepIsNamedWithTheStep(boolean replaySteps) {
        // 2 steps an epoch: Adam's 4th launch is step 4, epoch 2's second batch
        EmulatedRuntime.failLaunch("adam", 3);
        train(replaySteps).assertOneLineError(1, "step 4 (epoch 2, batch 2 of 2) failed: emu_launch(adam) failed:"
                + " adam: injected launch failure");
        Checkpoint kept = CheckpointFile.read(out.resolve("checkpoint.vae"));
        assertEquals(2, kept.step(), "the checkpoint of epoch 1 stays");
    }

    @Test
    void aKernelThatFailsInTheEvaluationIsNamedWithTheEpoch() {
        // the loss kernel runs in each step and once in each evaluation (25 test images): the 6th is epoch 2's
        EmulatedRuntime.failLaunch("loss_and_gradients", 5);
        train(true).assertOneLineError(1, "the evaluation on the test set after epoch 2 failed:"
                + " emu_launch(loss_and_gradients) failed:"
                + " loss_and_gradients: injected launch failure");
    }
}
