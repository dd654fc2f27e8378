package dev.vaecuda.train;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.Vae;
import dev.vaecuda.viz.LatentCodec;
import dev.vaecuda.viz.LossChart;
import dev.vaecuda.viz.ModelFigures;
import dev.vaecuda.viz.PngFiles;
import dev.vaecuda.viz.Tiles;
import java.nio.file.Path;
import java.util.List;

/**
 * The pictures a run adds to its folder after an epoch: reconstructions_epochN.png (the first
 * test images over their reconstructions) and samples_epochN.png (decodings of the same fixed z
 * every time), when asked for, and loss.png (every row of metrics.csv), always.
 */
final class EpochFigures {
    static final int RECONSTRUCTED = 8;
    static final int SAMPLES = 64;
    static final String LOSS_CHART = "loss.png";

    private final ModelFigures figures;
    private final Tiles originals;
    private final long seed;
    private final Path outDir;

    EpochFigures(Backend backend, Vae vae, ImageSet testSet, long seed, Path outDir) {
        this.figures = new ModelFigures(new LatentCodec(backend, vae));
        this.originals = Tiles.of(testSet, 0, Math.min(RECONSTRUCTED, testSet.count()));
        this.seed = seed;
        this.outDir = outDir;
    }

    void write(int epoch, boolean reconstructionsAndSamples) {
        if (reconstructionsAndSamples) {
            PngFiles.write(figures.reconstructions(originals), outDir.resolve("reconstructions_epoch" + epoch + ".png"));
            PngFiles.write(figures.samples(seed, SAMPLES), outDir.resolve("samples_epoch" + epoch + ".png"));
        }
        List<EpochResult> rows = MetricsCsv.read(outDir.resolve(TrainingSession.METRICS));
        PngFiles.write(LossChart.render(rows.stream().mapToDouble(EpochResult::epoch).toArray(),
                rows.stream().mapToDouble(EpochResult::trainLoss).toArray(),
                rows.stream().mapToDouble(EpochResult::testLoss).toArray()), outDir.resolve(LOSS_CHART));
    }
}
