package dev.vaecuda.cli;

import dev.vaecuda.viz.PngFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Decode z ~ N(0, I) with a trained model: the same z as train's samples_epochN.png for the same seed.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--n", paramLabel = "N", defaultValue = "64", description = "Number of samples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the z draw (default: the run's seed).")
    Long seed;

    @Option(names = "--out", defaultValue = "samples.png", paramLabel = "FILE|DIR",
            description = "PNG file, or folder for samples.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        OptionChecks.atLeast(spec, "--n", n, 1);
        Path file = OutputFile.resolve(out, "samples.png");
        try (LoadedModel model = checkpoint.open(deviceOptions, console)) {
            long drawSeed = seed != null ? seed : model.checkpoint().config().training().seed();
            PngFiles.write(model.figures().samples(drawSeed, n), file);
        }
        console.println("wrote " + file);
        return 0;
    }
}
