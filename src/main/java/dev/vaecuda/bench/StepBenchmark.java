package dev.vaecuda.bench;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceCounters;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.ReplayedStep;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Times whole training steps (gather, forward, loss, backward, Adam) on random images, and in
 * the same run the same step's GEMMs alone: the floor the step can approach. Each figure is
 * the median of {@code repeats} timings of {@code steps} steps, after {@code warmup} steps.
 * Steps are recorded once and replayed, as training does, unless {@code replay} is off.
 */
public final class StepBenchmark {
    private static final int DISTINCT_BATCHES = 8;

    /** Seconds per step (median), and the figures that follow from it. */
    public record Timing(double secondsPerStep, double imagesPerSecond, double gflopsPerSecond) {
    }

    /** {@code perStep}: what the device counted for one step, where it counts (the CUDA backend). */
    public record Report(int batch, long flopsPerStep, Timing step, Timing gemmsOnly, Optional<DeviceCounters> perStep) {
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
    private final boolean replay;

    public StepBenchmark(ModelConfig config, int batch, int steps, int repeats, int warmup, boolean replay) {
        this.config = config;
        this.batch = batch;
        this.steps = steps;
        this.repeats = repeats;
        this.warmup = warmup;
        this.replay = replay;
    }

    public Report run(Backend backend) {
        GemmOnlyBackend gemms = new GemmOnlyBackend(backend);
        try (Bench step = new Bench(backend); Bench floor = new Bench(gemms)) {
            gemms.resetFlops();
            floor.direct();
            long flopsPerStep = gemms.flops();
            Optional<DeviceCounters> perStep = step.countOneStep();
            return new Report(batch, flopsPerStep, step.time(flopsPerStep), floor.time(flopsPerStep), perStep);
        }
    }

    /** A model, random data and a step state on one backend. */
    private final class Bench implements AutoCloseable {
        private final Backend backend;
        private final Vae vae;
        private final DeviceImages images;
        private final DeviceIndices order;
        private final DeviceStepState state;
        private final ReplayedStep recorded;

        Bench(Backend backend) {
            this.backend = backend;
            int count = batch * DISTINCT_BATCHES;
            byte[] pixels = new byte[count * config.pixels()];
            new SplittableRandom(1).nextBytes(pixels);
            images = backend.uploadImages(pixels, count, config.pixels());
            // one batch position per step of the whole run, cycling over the distinct batches
            int[] positions = new int[batch * (warmup + repeats * steps + 2)];
            Arrays.setAll(positions, i -> i % count);
            order = backend.allocateIndices(positions.length);
            backend.upload(positions, order);
            state = backend.allocateStepState();
            vae = new Vae(backend, config, batch);
            vae.initialize(1);
            recorded = new ReplayedStep(backend, this::direct, replay);
        }

        void direct() {
            backend.gatherBatch(images, order, batch, batch, vae.input(), false, 1, RngStreams.TRAIN_BINARIZE, state);
            vae.trainStep(batch, 1, 1e-3f, state);
        }

        void step() {
            recorded.run();
        }

        Optional<DeviceCounters> countOneStep() {
            step();
            vae.takeLossSum();
            Optional<DeviceCounters> before = backend.counters();
            step();
            Optional<DeviceCounters> after = backend.counters();
            vae.takeLossSum();
            return before.flatMap(b -> after.map(a -> new DeviceCounters(a.kernelLaunches() - b.kernelLaunches(),
                    a.gemmCalls() - b.gemmCalls(), a.hostToDeviceBytes() - b.hostToDeviceBytes(),
                    a.deviceToHostBytes() - b.deviceToHostBytes())));
        }

        Timing time(long flopsPerStep) {
            backend.setStepState(state, 0, 0);
            for (int i = 0; i < warmup; i++) {
                step();
            }
            vae.takeLossSum();
            double[] seconds = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    step();
                }
                vae.takeLossSum();
                seconds[r] = (System.nanoTime() - start) / 1e9 / steps;
            }
            Arrays.sort(seconds);
            double median = seconds[repeats / 2];
            return new Timing(median, batch / median, flopsPerStep / median / 1e9);
        }

        @Override
        public void close() {
            recorded.close();
        }
    }
}
