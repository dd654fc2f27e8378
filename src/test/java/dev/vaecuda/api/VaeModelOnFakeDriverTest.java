package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vaecuda.backend.Backends;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A model on CUDA, over the fake driver (target/fake-cuda on LD_LIBRARY_PATH, set by the pom's
 * on-fake-driver execution), which like a real driver keeps a context current per thread: a model
 * loaded on one thread computes on others. Skipped where the fake is not the driver (a run of
 * {@code -Dtest=...} outside that execution).
 */
class VaeModelOnFakeDriverTest {
    @Test
    void aModelLoadedOnOneThreadComputesOnAnother() throws Exception {
        String cuda = Backends.cudaStatus();
        assumeTrue(cuda.startsWith("vae-cuda fake GPU"), "not over the fake driver: " + cuda);
        float[][] images = TrainedCheckpoint.testImages();
        try (VaeModel model = VaeModel.load(TrainedCheckpoint.file(), Device.CUDA);
             ExecutorService other = Executors.newSingleThreadExecutor()) {
            Scores here = model.score(images, 3, 2);
            float[][] reconstructed = model.reconstruct(images);
            Scores there = other.submit(() -> model.score(images, 3, 2)).get();
            assertArrayEquals(here.negativeLogLikelihood(), there.negativeLogLikelihood());
            assertArrayEquals(reconstructed, other.submit(() -> model.reconstruct(images)).get());
        }
    }
}
