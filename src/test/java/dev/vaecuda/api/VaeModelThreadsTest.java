package dev.vaecuda.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A model shared by threads: calls at once give the numbers they give one after another. */
class VaeModelThreadsTest {
    @Test
    void twoThreadsScoringAtOnceGiveTheNumbersOfOne() throws Exception {
        float[][] images = TrainedCheckpoint.testImages();
        try (VaeModel model = VaeModel.load(TrainedCheckpoint.file(), Device.CPU);
             ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Scores alone = model.score(images, 20, 7);
            float[][] reconstructedAlone = model.reconstruct(images);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Scores>> scores = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                scores.add(threads.submit(() -> {
                    start.await();
                    return model.score(images, 20, 7);
                }));
            }
            Future<float[][]> reconstructed = threads.submit(() -> {
                start.await();
                return model.reconstruct(images);
            });
            start.countDown();
            for (Future<Scores> score : scores) {
                assertArrayEquals(alone.negativeElbo(), score.get().negativeElbo());
                assertArrayEquals(alone.negativeLogLikelihood(), score.get().negativeLogLikelihood());
            }
            assertArrayEquals(reconstructedAlone, reconstructed.get());
        }
    }
}
