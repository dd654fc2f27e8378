package dev.vaecuda.bench;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Times whole training steps (gather, forward, loss, backward, Adam) on random images, and in
 * the same run the same step's GEMMs alone: the floor the step can approach. Each figure is
 * the median of {@code repeats} timings of {@code steps} steps, after {@code warmup} steps.
 */
public final class StepBenchmark {
    private static final int IMAGES_PER_BATCH_IN_POOL = 8;

    /** Seconds per step (median), and the figures that follow from it. */
    public record Timing(double secondsPerStep, double imagesPerSecond, double gflopsPerSecond) {
    }

    public record Report(int batch, long flopsPerStep, Timing step, Timing gemmsOnly) {
        /** How many times the GEMM floor a step takes. */
        public double ratioToFloor() {
            return step.secondsPerStep() / gemmsOnly.secondsPerStep();
        }
    }

    private final ModelConfig config;
    private final int batch;
    private final int steps;
    private final int repeats;
    private final int warmup;

    public StepBenchmark(ModelConfig config, int batch, int steps, int repeats, int warmup) {
        this.config = config;
        this.batch = batch;
        this.steps = steps;
        this.repeats = repeats;
        this.warmup = warmup;
    }

    public Report run(Backend backend) {
        GemmOnlyBackend gemms = new GemmOnlyBackend(backend);
        Timing step = time(backend, 0);
        gemms.resetFlops();
        time(gemms, 0);
        long flopsPerStep = gemms.flops() / (warmup + (long) steps * repeats);
        return new Report(batch, flopsPerStep, time(backend, flopsPerStep), time(gemms, flopsPerStep));
    }

    private Timing time(Backend backend, long flopsPerStep) {
        int count = batch * IMAGES_PER_BATCH_IN_POOL;
        byte[] pixels = new byte[count * config.pixels()];
        new SplittableRandom(1).nextBytes(pixels);
        DeviceImages images = backend.uploadImages(pixels, count, config.pixels());
        DeviceIndices order = backend.allocateIndices(count);
        int[] identity = new int[count];
        Arrays.setAll(identity, i -> i);
        backend.upload(identity, order);
        Vae vae = new Vae(backend, config, batch);
        vae.initialize(1);
        long[] step = {0};
        Runnable oneStep = () -> {
            step[0]++;
            int first = (int) (step[0] % IMAGES_PER_BATCH_IN_POOL) * batch;
            backend.gatherBatch(images, order, first, batch, vae.input(), false, 1, RngStreams.TRAIN_BINARIZE, step[0]);
            vae.trainStep(batch, 1, step[0], 1e-3f);
        };
        for (int i = 0; i < warmup; i++) {
            oneStep.run();
        }
        vae.takeLossSum();
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                oneStep.run();
            }
            vae.takeLossSum();
            seconds[r] = (System.nanoTime() - start) / 1e9 / steps;
        }
        Arrays.sort(seconds);
        double median = seconds[repeats / 2];
        return new Timing(median, batch / median, flopsPerStep / median / 1e9);
    }
}
