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
    private static final long PROGRESS_NANOS = 2_000_000_000L;

    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        LoadedData loaded = DataOptions.load(data.request(null), console);
        long start = System.nanoTime();
        long[] lastLine = {start};
        ImageFolderWriter.write(loaded, out, (done, total) -> {
            long now = System.nanoTime();
            if (now - lastLine[0] >= PROGRESS_NANOS && done < total) {
                console.printf(Locale.ROOT, "exported %d/%d images, %.0f images/s%n", done, total, done / ((now - start) / 1e9));
                console.flush();
                lastLine[0] = now;
            }
        });
        int total = loaded.train().count() + loaded.test().count();
        double seconds = (System.nanoTime() - start) / 1e9;
        console.printf(Locale.ROOT, "wrote %d train / %d test images to %s in %.1f s (%.0f images/s)%n",
                loaded.train().count(), loaded.test().count(), out, seconds, total / seconds);
        return 0;
    }
}
