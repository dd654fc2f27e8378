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
import dev.vaecuda.train.TimeEstimate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times whole training steps (gather, forward, loss, backward, Adam) of a fresh or a trained
 * model ({@link StartingPoint}) on random images, and in the same run the same step's GEMMs
 * alone: the floor the step can approach. Each figure is
 * the median of {@code repeats} timings of {@code steps} steps, after {@code warmup} steps.
 * Steps are recorded once and replayed, as training does, unless {@code replay} is off. On a
 * backend whose calls finish their work before returning (the CPU), it can also split a step's
 * time into its GEMMs, convolutions, Adam and the rest, timing each call over one more series of steps. Both
 * warm-ups come first: their later halves give the estimate of how long the series will take.
 */
public final class StepBenchmark {
    private static final int DISTINCT_BATCHES = 8;

    /** Seconds per step (median), and the figures that follow from it. */
    public record Timing(double secondsPerStep, double imagesPerSecond, double gflopsPerSecond) {
    }

    /** What the device counted for one step, where it counts, and the nanoseconds it took. */
    private record Sample(Optional<DeviceCounters> counters, long nanos) {
    }

    /**
     * Seconds per step in the GEMMs, in the convolution calls (their GEMMs and copies), in Adam,
     * and in every other call, measured inside whole steps.
     */
    public record Split(double gemmSeconds, double convolutionSeconds, double adamSeconds, double restSeconds) {
    }

    /**
     * {@code perStep}: what the device counted for one step, where it counts (the CUDA backend);
     * {@code split}: where a step's time went, when asked for.
     */
    public record Report(int batch, long flopsPerStep, Timing step, Timing gemmsOnly, Optional<DeviceCounters> perStep,
                         Optional<Split> split) {
        /** How many times the GEMM floor a step takes. */
        public double ratioToFloor() {
            return step.secondsPerStep() / gemmsOnly.secondsPerStep();
        }
    }

    private final StartingPoint start;
    private final int batch;
    private final int steps;
    private final int repeats;
    private final int warmup;
    private final boolean replay;
    private final Consumer<String> progress;

    /** {@code progress} hears, in a line, each phase of the run as it starts, and after the warm-ups an estimate. */
    public StepBenchmark(StartingPoint start, int batch, int steps, int repeats, int warmup, boolean replay,
                         Consumer<String> progress) {
        this.start = start;
        this.batch = batch;
        this.steps = steps;
        this.repeats = repeats;
        this.warmup = warmup;
        this.replay = replay;
        this.progress = progress;
    }

    /** @param split also time the step's GEMMs, convolutions, Adam and the rest (only where calls are synchronous) */
    public Report run(Backend backend, boolean split) {
        GemmOnlyBackend gemms = new GemmOnlyBackend(backend, start.config().convolutions(), batch);
        try (Bench step = new Bench(backend); Bench floor = new Bench(gemms)) {
            gemms.resetFlops();
            long floorFirst = floor.timeDirect();
            long flopsPerStep = gemms.flops();
            Sample sample = step.sampleOneStep();
            progress.accept(String.format(Locale.ROOT, "warming up (%d step%s and %1$d of their GEMMs alone) ...", warmup,
                    warmup == 1 ? "" : "s"));
            // the floor first, so that the step's timings follow its own warm-up at once
            long floorNanos = floor.warmUp().orElse(floorFirst);
            long stepNanos = step.warmUp().orElse(sample.nanos());
            progress.accept(estimate(stepNanos, floorNanos, split));
            String series = String.format(Locale.ROOT, "%d x %d steps", repeats, steps);
            progress.accept("timing the training step (" + series + ") ...");
            Timing stepTiming = step.time(flopsPerStep);
            progress.accept("timing the same GEMMs alone (" + series + ") ...");
            Timing floorTiming = floor.time(flopsPerStep);
            Optional<Split> phases = Optional.empty();
            if (split) {
                progress.accept("timing each call of the step (" + warmup + " warm-up + " + steps + " steps) ...");
                phases = Optional.of(split(backend));
            }
            return new Report(batch, flopsPerStep, stepTiming, floorTiming, sample.counters(), phases);
        }
    }

    /** The time of the steps to come, at the pace of a step and of its GEMMs alone at the end of the warm-up. */
    private String estimate(long stepNanos, long floorNanos, boolean split) {
        int floorSteps = repeats * steps, trainingSteps = floorSteps + (split ? warmup + steps : 0);
        TimeEstimate estimate = TimeEstimate.of(stepNanos, 1, trainingSteps).plus(TimeEstimate.of(floorNanos, 1, floorSteps));
        return estimate.line(String.format(Locale.ROOT, "%d training steps and %d of their GEMMs alone (%.1f ms and %.1f ms"
                + " each, as %s took)", trainingSteps, floorSteps, stepNanos / 1e6, floorNanos / 1e6,
                warmup > 0 ? "the warm-up's last steps" : "one step"));
    }

    private Split split(Backend backend) {
        PhaseTimingBackend timed = new PhaseTimingBackend(backend);
        try (Bench bench = new Bench(timed)) {
            for (int i = 0; i < warmup; i++) {
                bench.step();
            }
            timed.reset();
            for (int i = 0; i < steps; i++) {
                bench.step();
            }
            bench.vae.takeLossSum();
            PhaseTimingBackend.Phases phases = timed.phases();
            return new Split(phases.gemmNanos() / 1e9 / steps, phases.convolutionNanos() / 1e9 / steps,
                    phases.adamNanos() / 1e9 / steps, phases.restNanos() / 1e9 / steps);
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
            ModelConfig config = start.config();
            byte[] pixels = new byte[count * config.pixels()];
            new SplittableRandom(1).nextBytes(pixels);
            images = backend.uploadImages(pixels, count, config.pixels());
            // one batch position per step of the whole run, cycling over the distinct batches
            int[] positions = new int[batch * (warmup + repeats * steps + 2)];
            Arrays.setAll(positions, i -> i % count);
            order = backend.allocateIndices(positions.length);
            backend.upload(positions, order);
            state = backend.allocateStepState();
            backend.setStepState(state, start.step(), 0);
            vae = new Vae(backend, config, batch);
            start.initialize(backend, vae);
            recorded = new ReplayedStep(backend, this::direct, replay);
        }

        void direct() {
            backend.gatherBatch(images, order, batch, batch, vae.input(), start.binarize(), 1, RngStreams.TRAIN_BINARIZE,
                    state);
            vae.trainStep(batch, 1, start.learningRate(), start.adamEpsilon(), state);
        }

        void step() {
            recorded.run();
        }

        /**
         * A step after the first (which records it): what the device counted for it, and its time up
         * to its loss read back (on a GPU, until the device has done it), the read not counted.
         */
        Sample sampleOneStep() {
            step();
            vae.takeLossSum();
            Optional<DeviceCounters> before = backend.counters();
            long begin = System.nanoTime();
            step();
            Optional<DeviceCounters> after = backend.counters();
            vae.takeLossSum();
            long nanos = System.nanoTime() - begin;
            return new Sample(before.flatMap(b -> after.map(a -> a.since(b))), nanos);
        }

        /** The time of a step run directly, up to its loss read back. */
        long timeDirect() {
            long begin = System.nanoTime();
            direct();
            vae.takeLossSum();
            return System.nanoTime() - begin;
        }

        /**
         * The warm-up steps, from the step state's start; the time per step of their later half, the
         * warmer one (none without warm-up).
         */
        OptionalLong warmUp() {
            backend.setStepState(state, start.step(), 0);
            int cold = warmup / 2;
            for (int i = 0; i < cold; i++) {
                step();
            }
            vae.takeLossSum();
            if (cold == warmup) {
                return OptionalLong.empty();
            }
            long begin = System.nanoTime();
            for (int i = cold; i < warmup; i++) {
                step();
            }
            vae.takeLossSum();
            return OptionalLong.of((System.nanoTime() - begin) / (warmup - cold));
        }

        /** The median of the timings, after {@link #warmUp}. */
        Timing time(long flopsPerStep) {
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
