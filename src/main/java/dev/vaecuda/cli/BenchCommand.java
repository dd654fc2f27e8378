package dev.vaecuda.cli;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceChoice;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.bench.StartingPoint;
import dev.vaecuda.bench.StepBenchmark;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.ModelDescription;
import dev.vaecuda.train.CheckpointFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps of a model (the default: PyTorch's example; or a --checkpoint's trained one) on random 28x28 images, and the same"
                + " GEMMs alone (the floor; a convolution counts as its GEMMs).")
final class BenchCommand implements Callable<Integer> {
    private static final int MNIST_TRAIN_IMAGES = 60_000;
    private static final int DEFAULT_BATCH_SIZE = 128;

    /** Steps per timing, timings, warm-up steps. */
    record Series(int steps, int repeats, int warmup) {
        static final Series DEFAULT = new Series(200, 5, 30);
        // on 2 cores the emulator runs a step and its GEMMs alone in 0.4 to 0.7 s: the default's 2 x 1030 steps
        // took 7 to 13 min there, 2 x 48 take about 30 s, and the emulator's figures are for checks, not speed
        static final Series EMULATED = new Series(15, 3, 3);
    }

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Images per step (default: " + DEFAULT_BATCH_SIZE + ", or the batch size the --checkpoint trained with).")
    Integer batchSize;

    @Option(names = "--steps", paramLabel = "N",
            description = "Steps per timing (default: 200; 15 with --device emulated).")
    Integer steps;

    @Option(names = "--repeats", paramLabel = "N",
            description = "Timings; the median is reported (default: 5; 3 with --device emulated).")
    Integer repeats;

    @Mixin
    ModelShapeOptions shape;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Time the steps of this trained model instead of a fresh one: its shape, parameters, Adam's"
                    + " moments, step, learning rate, Adam epsilon and binarisation (a trained model can be slower).")
    Path checkpoint;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Untimed steps first (default: 30; 3 with --device emulated).")
    Integer warmup;

    @Override
    public Integer call() {
        StartingPoint start = startingPoint();
        int batch = batchSize != null ? batchSize
                : start.trained().map(c -> c.config().training().batchSize()).orElse(DEFAULT_BATCH_SIZE);
        OptionChecks.atLeast(spec, "--batch-size", batch, 1);
        Series series = series();
        OptionChecks.atLeast(spec, "--steps", series.steps(), 1);
        OptionChecks.atLeast(spec, "--repeats", series.repeats(), 1);
        OptionChecks.atLeast(spec, "--warmup", series.warmup(), 0);
        PrintWriter out = spec.commandLine().getOut();
        ModelConfig config = start.config();
        try (Backend backend = deviceOptions.forModel(config.architecture()).open(out)) {
            out.printf(Locale.ROOT, "bench: model %s%s, batch %d, median of %d x %d steps after %d warm-up steps, %s%n",
                    ModelDescription.of(config),
                    start.trained().map(c -> " from " + checkpoint + " (" + c.position() + ")").orElse(""),
                    batch, series.repeats(), series.steps(), series.warmup(),
                    deviceOptions.replaySteps() ? "steps replayed" : "steps launched directly");
            out.flush();
            StepBenchmark.Report report = new StepBenchmark(start, batch, series.steps(), series.repeats(), series.warmup(),
                    deviceOptions.replaySteps(), line -> {
                        out.println(line);
                        out.flush();
                    }).run(backend, backend.name().equals("cpu"));
            print(out, "training step", report.step());
            print(out, "GEMMs alone", report.gemmsOnly());
            out.printf(Locale.ROOT, "GEMM FLOPs per step: %.3f G; step / floor: %.2fx%n",
                    report.flopsPerStep() / 1e9, report.ratioToFloor());
            // a model without convolutions keeps the line it always had
            boolean convolutions = !config.convolutions().isEmpty();
            report.split().ifPresent(split -> out.printf(Locale.ROOT,
                    "split of a step (each call timed): GEMMs %.3f ms, %sAdam %.3f ms, the rest %.3f ms (loss, bias, activation, reparameterisation, gather)%n",
                    split.gemmSeconds() * 1e3, convolutions ? String.format(Locale.ROOT,
                            "convolutions %.3f ms (their GEMMs and copies, not in the GEMMs' figure), ",
                            split.convolutionSeconds() * 1e3) : "",
                    split.adamSeconds() * 1e3, split.restSeconds() * 1e3));
            report.perStep().ifPresent(c -> out.printf(Locale.ROOT,
                    "per step (counted by the device): %d launches (%d kernels + %d GEMMs%s), %d bytes host->device, %d bytes device->host%n",
                    c.launches(), c.kernelLaunches(), c.gemmCalls(),
                    convolutions ? " + " + c.convolutionCalls() + " cuDNN convolutions" : "",
                    c.hostToDeviceBytes(), c.deviceToHostBytes()));
        }
        return 0;
    }

    /** --steps, --repeats and --warmup, each as given or else the device's default. */
    Series series() {
        Series defaults = deviceOptions.device == DeviceChoice.emulated ? Series.EMULATED : Series.DEFAULT;
        return new Series(steps != null ? steps : defaults.steps(), repeats != null ? repeats : defaults.repeats(),
                warmup != null ? warmup : defaults.warmup());
    }

    /** A fresh model of the shape options' shape on 28x28 images, or the checkpoint's trained one. */
    private StartingPoint startingPoint() {
        if (checkpoint == null) {
            return StartingPoint.fresh(shape.config(1, 28, 28, LossKind.BCE, 1f));
        }
        for (String option : ModelShapeOptions.NAMES) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new ParameterException(spec.commandLine(), option + " does not go with --checkpoint: the model is the checkpoint's");
            }
        }
        return StartingPoint.of(CheckpointFile.read(checkpoint));
    }

    private static void print(PrintWriter out, String what, StepBenchmark.Timing timing) {
        out.printf(Locale.ROOT, "%-14s %8.3f ms/step  %9.0f images/s  %7.1f GFLOP/s  (%.2f s per 60000-image epoch)%n",
                what, timing.secondsPerStep() * 1e3, timing.imagesPerSecond(), timing.gflopsPerSecond(),
                MNIST_TRAIN_IMAGES / timing.imagesPerSecond());
        out.flush();
    }
}
