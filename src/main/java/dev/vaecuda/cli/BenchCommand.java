package dev.vaecuda.cli;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.bench.StepBenchmark;
import dev.vaecuda.model.ModelConfig;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps of a model (the default: PyTorch's example) on random 28x28 images, and the same"
                + " GEMMs alone (the floor).")
final class BenchCommand implements Callable<Integer> {
    private static final int MNIST_TRAIN_IMAGES = 60_000;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--steps", defaultValue = "200", description = "Steps per timing (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--repeats", defaultValue = "5", description = "Timings; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Mixin
    ModelShapeOptions shape;

    @Option(names = "--warmup", defaultValue = "30", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec, "--batch-size", batchSize, 1);
        OptionChecks.atLeast(spec, "--steps", steps, 1);
        OptionChecks.atLeast(spec, "--repeats", repeats, 1);
        OptionChecks.atLeast(spec, "--warmup", warmup, 0);
        shape.validate();
        PrintWriter out = spec.commandLine().getOut();
        ModelConfig config = new ModelConfig(28, 28, shape.hidden, shape.latent, LossKind.BCE, 1f, shape.activation());
        try (Backend backend = deviceOptions.open(out)) {
            out.printf(Locale.ROOT, "bench: model %s (%s), batch %d, median of %d x %d steps after %d warm-up steps, %s%n",
                    shape.layers(28 * 28), shape.activation,
                    batchSize, repeats, steps, warmup, deviceOptions.replaySteps() ? "steps replayed" : "steps launched directly");
            out.flush();
            StepBenchmark.Report report = new StepBenchmark(config, batchSize, steps, repeats, warmup,
                    deviceOptions.replaySteps(), line -> {
                        out.println(line);
                        out.flush();
                    }).run(backend, backend.name().equals("cpu"));
            print(out, "training step", report.step());
            print(out, "GEMMs alone", report.gemmsOnly());
            out.printf(Locale.ROOT, "GEMM FLOPs per step: %.3f G; step / floor: %.2fx%n",
                    report.flopsPerStep() / 1e9, report.ratioToFloor());
            report.split().ifPresent(split -> out.printf(Locale.ROOT,
                    "split of a step (each call timed): GEMMs %.3f ms, Adam %.3f ms, the rest %.3f ms (loss, bias, ReLU, reparameterisation, gather)%n",
                    split.gemmSeconds() * 1e3, split.adamSeconds() * 1e3, split.restSeconds() * 1e3));
            report.perStep().ifPresent(c -> out.printf(Locale.ROOT,
                    "per step (counted by the device): %d launches (%d kernels + %d GEMMs), %d bytes host->device, %d bytes device->host%n",
                    c.launches(), c.kernelLaunches(), c.gemmCalls(), c.hostToDeviceBytes(), c.deviceToHostBytes()));
        }
        return 0;
    }

    private static void print(PrintWriter out, String what, StepBenchmark.Timing timing) {
        out.printf(Locale.ROOT, "%-14s %8.3f ms/step  %9.0f images/s  %7.1f GFLOP/s  (%.2f s per 60000-image epoch)%n",
                what, timing.secondsPerStep() * 1e3, timing.imagesPerSecond(), timing.gflopsPerSecond(),
                MNIST_TRAIN_IMAGES / timing.imagesPerSecond());
        out.flush();
    }
}
