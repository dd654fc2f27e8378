package dev.vaecuda.cli;

import dev.vaecuda.data.ImageFolderWriter;
import dev.vaecuda.data.LoadedData;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export-images", mixinStandardHelpOptions = true,
        description = "Write a data set as a folder of PNGs, OUT/train/<label>/<index>.png and OUT/test/<label>/<index>.png,"
                + " which --dataset folder reads back as the same images in the same order.")
final class ExportImagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        ImageFolderWriter.requireNewOrEmpty(out);
        LoadedData loaded = DataOptions.load(data.request(null), console);
        long start = System.nanoTime();
        ImageFolderWriter.write(loaded, out, line -> {
            console.println(line);
            console.flush();
        });
        int total = loaded.train().count() + loaded.test().count();
        double seconds = (System.nanoTime() - start) / 1e9;
        console.printf(Locale.ROOT, "wrote %d train / %d test images to %s in %.1f s (%.0f images/s)%n",
                loaded.train().count(), loaded.test().count(), out, seconds, total / seconds);
        return 0;
    }
}
