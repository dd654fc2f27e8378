package dev.vaecuda.cli;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.LoadedData;
import dev.vaecuda.viz.ModelFigures;
import dev.vaecuda.viz.PngFiles;
import dev.vaecuda.viz.Tiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "latent", mixinStandardHelpOptions = true,
        description = {"The latent map: posterior means of test images, coloured by label: at their first two principal"
                + " components when the latent has more than 2 dimensions (--dims for raw ones), else at z[0] and z[1].",
            "With a 2-D latent also the manifold (Kingma and Welling's figure): decodings over a grid of Gaussian quantiles, "
                + "written beside the map with the suffix _manifold."})
final class LatentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    CheckpointOption checkpoint;

    @Mixin
    DataOptions data;

    @Option(names = "--n", paramLabel = "N", description = "Number of test images on the map (default: all).")
    Integer n;

    @Option(names = "--grid", paramLabel = "N", defaultValue = "20", description = "The manifold's images per side (default: ${DEFAULT-VALUE}).")
    int grid;

    @Option(names = "--dims", split = ",", paramLabel = "I,J",
            description = "Draw latent dimensions I and J themselves, e.g. --dims 0,1 (default: principal components"
                    + " for a latent of more than 2 dimensions).")
    List<Integer> dims;

    @Option(names = "--out", defaultValue = "latent.png", paramLabel = "FILE|DIR",
            description = "PNG file, or folder for latent.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        if (n != null) {
            OptionChecks.atLeast(spec, "--n", n, 1);
        }
        OptionChecks.atLeast(spec, "--grid", grid, 1);
        Path file = OutputFile.resolve(out, "latent.png");
        try (LoadedModel model = checkpoint.open(deviceOptions, console)) {
            LoadedData loaded = data.forModel(checkpoint.file, model.checkpoint().config(), console);
            ImageSet test = loaded.test();
            int count = n == null ? test.count() : OptionChecks.atMost(spec, "--n", n, test.count(), "test images");
            ModelFigures figures = model.figures();
            // unlabelled images (a folder without subfolders) are one class, drawn in one colour
            byte[] labels = test.labels() == null ? new byte[count] : Arrays.copyOf(test.labels(), count);
            List<String> classNames = test.labels() == null ? List.of("unlabelled") : loaded.classNames();
            PngFiles.write(figures.latentMap(Tiles.of(test, 0, count), labels, classNames,
                    checkedDims(model.vae().config().latent())), file);
            console.println("wrote " + file);
            if (model.vae().config().latent() == 2) {
                Path manifold = OutputFile.withSuffix(file, "_manifold");
                PngFiles.write(figures.manifold(grid), manifold);
                console.println("wrote " + manifold);
            }
        }
        return 0;
    }

    /** --dims as two dimensions of this latent (the second -1 for a 1-D one), or null when not given. */
    private int[] checkedDims(int latent) {
        if (dims == null) {
            return null;
        }
        int wanted = Math.min(latent, 2);
        if (dims.size() != wanted) {
            throw new ParameterException(spec.commandLine(), "--dims takes " + wanted + " dimension"
                    + (wanted == 1 ? "" : "s") + " of this " + latent + "-D latent, got " + dims.size());
        }
        for (int d : dims) {
            OptionChecks.inRange(spec, "--dims", d, 0, latent - 1);
        }
        return new int[] {dims.get(0), wanted == 2 ? dims.get(1) : -1};
    }
}
