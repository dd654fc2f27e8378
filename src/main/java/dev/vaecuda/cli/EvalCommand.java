package dev.vaecuda.cli;

import dev.vaecuda.data.ImageSet;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.EvaluationCsv;
import dev.vaecuda.train.LikelihoodEvaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Test-set figures per image, in nats: the loss as training reports it, the negative ELBO, and "
                + "the importance-weighted estimate of -log p(x) (Burda et al., 2016) with K samples, the last two also "
                + "in bits per dimension (nats / (C x H x W x ln 2)), and the active units (Cov_x(E_q[u]) > 0.01).",
            "K = 1 gives the negative ELBO. For a model trained with --loss mse, -log p(x|z) is the squared error: "
                + "a Gaussian decoder of variance 1/2 without its constant (pixels/2) log(pi)."})
final class EvalCommand implements Callable<Integer> {
    /** Seconds of importance samples before the estimate of the rest (half of them timed), and between two progress lines. */
    private static final double ESTIMATE_SECONDS = 2, PROGRESS_SECONDS = 10;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    CheckpointOption checkpoint;

    @Mixin
    DataOptions data;

    @Option(names = "--iw-samples", defaultValue = "1", paramLabel = "K",
            description = "Importance samples per image (default: ${DEFAULT-VALUE}, the ELBO).")
    int samples;

    @Option(names = "--binarize", negatable = true,
            description = "Dynamic binarisation of the test images (default: as the checkpoint was trained).")
    Boolean binarize;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed of the evaluation's random draws: the test images' binarisation and the samples of z "
                    + "(default: the run's seed, so the figures are reproducible; another seed shows their variance).")
    Long seed;

    @Option(names = "--out", paramLabel = "FILE|DIR",
            description = "Also write the per-image figures as CSV (a folder gets eval.csv).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        OptionChecks.atLeast(spec, "--iw-samples", samples, 1);
        try (LoadedModel model = checkpoint.open(deviceOptions, console)) {
            Checkpoint trained = model.checkpoint();
            // sample k of an image draws the Philox elements [k * latent, (k + 1) * latent), an int index
            OptionChecks.inRange(spec, "--iw-samples", samples, 1, Integer.MAX_VALUE / trained.config().model().latent());
            ImageSet test = data.forModel(checkpoint.file, trained.config(), console).test();
            boolean binarized = binarize != null ? binarize : trained.config().training().binarize();
            long drawSeed = seed != null ? seed : trained.config().training().seed();
            long start = System.nanoTime();
            LikelihoodEvaluation.Result result;
            // the figures and --out come only at the end: a Ctrl-C before it has nothing to keep
            try (SignalTrap _ = SignalTrap.ending("eval stopped; nothing was written", console)) {
                console.printf(Locale.ROOT, "evaluating %s (%s) on %d test images, binarized: %s, %d importance sample%s,"
                        + " seed %d%n", checkpoint.file, trained.epochPosition(), test.count(), binarized ? "yes" : "no",
                        samples, samples == 1 ? "" : "s", drawSeed);
                console.flush();
                result = new LikelihoodEvaluation(model.backend(), model.vae()).run(test, samples, binarized, drawSeed,
                        trained.epochsCompleted(), new SampleProgressLines(console, ESTIMATE_SECONDS, PROGRESS_SECONDS));
            }
            console.printf(Locale.ROOT, "loss (reconstruction + beta * KL)  %.4f nats%n", result.meanLoss());
            console.printf(Locale.ROOT, "negative ELBO                      %.4f nats  %.4f bits/dim%n",
                    result.meanNegativeElbo(), result.bitsPerDimension(result.meanNegativeElbo()));
            console.printf(Locale.ROOT, "-log p(x), K = %-6d              %.4f nats  %.4f bits/dim%n", samples,
                    result.meanNegativeLogLikelihood(), result.bitsPerDimension(result.meanNegativeLogLikelihood()));
            console.printf(Locale.ROOT, "active units (Cov_x(E_q[u]) > %s)  %d of %d%n", LikelihoodEvaluation.ACTIVE_UNIT_VARIANCE,
                    result.activeUnits(), result.unitVariances().length);
            console.printf(Locale.ROOT, "evaluated in %.1f s%n", (System.nanoTime() - start) / 1e9);
            if (out != null) {
                Path file = OutputFile.resolve(out, "eval.csv");
                EvaluationCsv.write(file, result, test.labels());
                console.println("wrote " + file);
            }
        }
        return 0;
    }
}
