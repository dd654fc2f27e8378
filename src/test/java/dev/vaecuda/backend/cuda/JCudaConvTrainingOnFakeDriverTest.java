package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.Dataset;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.Split;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.train.RunConfig;
import dev.vaecuda.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conv VAE of `train --arch conv` (its default channels 32,64) through the real CUDA runtime:
 * cuDNN's convolutions through FFM into the fake libcudnn.so.9, the project's kernels and cuBLAS
 * on the fake driver, against the CPU backend on real MNIST digits (data/fetch-mnist.sh, which
 * CI runs first).
 */
class JCudaConvTrainingOnFakeDriverTest {
    private static final Path MNIST = Dataset.MNIST.defaultDirectory();
    private static final ModelConfig CONV = new ModelConfig(28, 28, List.of(), 20, LossKind.BCE, 1f, Activation.RELU,
            Architecture.CONV, List.of(32, 64));

    /**
     * One epoch of 1024 images, batch 128: the test loss within 1e-5 relative of the CPU's (the
     * convolutions sum in another order than the CPU's GEMMs, float rounding apart), and the
     * recorded step (a CUDA graph) bit for bit the direct launches.
     */
    @Test
    void oneEpochMatchesTheCpuWithAndWithoutTheGraph(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isDirectory(MNIST), "no " + MNIST + "; run data/fetch-mnist.sh");
        ImageSet train = Dataset.MNIST.load(MNIST, Split.TRAIN).first(1024);
        ImageSet test = Dataset.MNIST.load(MNIST, Split.TEST).first(512);
        RunConfig config = new RunConfig("mnist", CONV, new TrainingOptions(1e-3f, 128, 1, 7, 0, false));
        double[] cpu = JCudaRuntimeOnFakeDriverTest.train(new CpuBackend(2), config, train, test, dir.resolve("cpu"), true);
        double[] graph = JCudaRuntimeOnFakeDriverTest.train(new CudaBackend(JCudaRuntime.open(0, false, false)), config,
                train, test, dir.resolve("graph"), true);
        double[] direct = JCudaRuntimeOnFakeDriverTest.train(new CudaBackend(JCudaRuntime.open(0, true, false)), config,
                train, test, dir.resolve("direct"), false);
        assertEquals(cpu[0], graph[0], 1e-5 * cpu[0], "test loss after one epoch, CPU against CUDA (fake)");
        assertEquals(graph[0], direct[0], 0, "the recorded step against direct launches, bit for bit");
    }
}
