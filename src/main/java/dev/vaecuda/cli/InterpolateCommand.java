package dev.vaecuda.cli;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.viz.PngFiles;
import dev.vaecuda.viz.Tiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = "Latent walks between test images: row p goes from test image 2p to 2p+1, "
                + "decoding evenly spaced points between their posterior means; the two images stand at the ends.")
final class InterpolateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    CheckpointOption checkpoint;

    @Mixin
    DataOptions data;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "8", description = "Number of walks, one per row (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "10", description = "Decoded points per walk, ends included (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--out", defaultValue = "interpolation.png", paramLabel = "FILE|DIR",
            description = "PNG file, or folder for interpolation.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        OptionChecks.atLeast(spec, "--pairs", pairs, 1);
        OptionChecks.atLeast(spec, "--steps", steps, 1);
        Path file = OutputFile.resolve(out, "interpolation.png");
        try (LoadedModel model = checkpoint.open(deviceOptions, console)) {
            ImageSet test = data.forModel(checkpoint.file, model.checkpoint().config(), console).test();
            OptionChecks.atMost(spec, "--pairs", pairs, test.count() / 2, "pairs of test images");
            PngFiles.write(model.figures().interpolations(Tiles.of(test, 0, 2 * pairs), steps), file);
        }
        console.println("wrote " + file);
        return 0;
    }
}
