package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A model on CUDA, over the fake driver (target/fake-cuda on LD_LIBRARY_PATH, set by the pom's
 * on-fake-driver execution), which like a real driver keeps a context current per thread: a model
 * loaded on one thread computes on others.
 */
class VaeModelOnFakeDriverTest {
    @Test
    void aModelLoadedOnOneThreadComputesOnAnother() throws Exception {
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
