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

@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "The first test images over their reconstructions (the decoded posterior means), in rows of 8.")
final class ReconstructCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    CheckpointOption checkpoint;

    @Mixin
    DataOptions data;

    @Option(names = "--n", paramLabel = "N", defaultValue = "8", description = "Number of test images (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", defaultValue = "reconstructions.png", paramLabel = "FILE|DIR",
            description = "PNG file, or folder for reconstructions.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        OptionChecks.atLeast(spec, "--n", n, 1);
        Path file = OutputFile.resolve(out, "reconstructions.png");
        try (LoadedModel model = checkpoint.open(deviceOptions, console)) {
            ImageSet test = data.forModel(checkpoint.file, model.checkpoint().config(), console).test();
            OptionChecks.atMost(spec, "--n", n, test.count(), "test images");
            PngFiles.write(model.figures().reconstructions(Tiles.of(test, 0, n)), file);
        }
        console.println("wrote " + file);
        return 0;
    }
}
