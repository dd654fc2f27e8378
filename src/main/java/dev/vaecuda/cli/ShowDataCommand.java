package dev.vaecuda.cli;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.LoadedData;
import dev.vaecuda.viz.DatasetGrid;
import dev.vaecuda.viz.PngFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "show-data", mixinStandardHelpOptions = true,
        description = "Draw the first images of a data set in a grid, as torchvision's make_grid (rows of 8, padding 2).")
final class ShowDataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(names = "--split", defaultValue = "train", paramLabel = "SPLIT",
            description = "train or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--n", paramLabel = "N", defaultValue = "64", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--labels", description = "Write each image's class under it.")
    boolean labels;

    @Option(names = "--binarize", description = "Show one draw of dynamic binarisation, as training with --binarize sees the images.")
    boolean binarize;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the binarisation draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "grid.png", paramLabel = "FILE|DIR",
            description = "PNG file, or folder for grid.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        if (!split.equals("train") && !split.equals("test")) {
            throw new ParameterException(spec.commandLine(), "--split must be train or test, got '" + split + "'");
        }
        OptionChecks.atLeast(spec, "--n", n, 1);
        LoadedData loaded = DataOptions.load(data.request(null), console);
        ImageSet set = split.equals("train") ? loaded.train() : loaded.test();
        OptionChecks.atMost(spec, "--n", n, set.count(), "images of the " + split + " split");
        if (labels && set.labels() == null) {
            throw new ParameterException(spec.commandLine(), "--labels: " + loaded.description()
                    + ", without labels (a folder without subfolders)");
        }
        List<String> captions = labels ? IntStream.range(0, n)
                .mapToObj(i -> loaded.classNames().get(Byte.toUnsignedInt(set.labels()[i]))).toList() : null;
        Path file = OutputFile.resolve(out, "grid.png");
        // drawing a grid chooses no device: the CPU backend, quietly (its binarisation is the training's)
        try (Backend backend = new CpuBackend(1)) {
            PngFiles.write(DatasetGrid.render(backend, set, n, binarize, seed, captions), file);
        }
        console.println("wrote " + file);
        return 0;
    }
}
