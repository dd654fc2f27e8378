package dev.vaecuda.cli;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.data.DataFingerprint;
import dev.vaecuda.data.DataRequest;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.LoadedData;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.train.FolderOptions;
import dev.vaecuda.train.ImageShape;
import dev.vaecuda.train.LearningRateSchedule;
import dev.vaecuda.train.ResumePoint;
import dev.vaecuda.train.RunConfig;
import dev.vaecuda.train.RunFolderLock;
import dev.vaecuda.train.RunIdentity;
import dev.vaecuda.train.StopRequest;
import dev.vaecuda.train.TrainingOptions;
import dev.vaecuda.train.TrainingProgress;
import dev.vaecuda.train.TrainingSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a VAE; writes metrics.csv, checkpoint.vae, config.json and per-epoch pictures into --out.")
final class TrainCommand implements Callable<Integer> {
    private static final String DEFAULT_OUT = "runs/vae";

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    DataOptions data;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: " + DEFAULT_OUT + "; with --resume, the checkpoint's own folder).")
    Path out;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N",
            description = "Total epochs, counting those of a resumed run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "X",
            description = "Adam learning rate; with --lr-schedule iwae, that of the first stage (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "KIND",
            description = "constant, or iwae: --lr * 10^(-i/7) for 3^i epochs, i = 0..7, 3280 epochs in all, as Burda"
                    + " et al. (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(names = "--adam-eps", defaultValue = "1e-8", paramLabel = "X",
            description = "Adam's epsilon (default: ${DEFAULT-VALUE}, as torch.optim.Adam; Burda et al.: 1e-4).")
    float adamEpsilon;

    @Option(names = "--init", defaultValue = "pytorch", paramLabel = "KIND",
            description = "Initialisation: pytorch (nn.Linear's default) or glorot (Glorot and Bengio's uniform weights,"
                    + " zero biases, the output bias at the logit of the mean training image) (default: ${DEFAULT-VALUE}).")
    String initialization;

    @Mixin
    ModelShapeOptions shape;

    @Option(names = "--beta", defaultValue = "1", paramLabel = "X",
            description = "Weight of the KL term (default: ${DEFAULT-VALUE}).")
    float beta;

    @Option(names = "--loss", defaultValue = "bce", paramLabel = "KIND",
            description = "Reconstruction loss: bce or mse (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N",
            description = "Use only the first N training and N test images; 0 uses all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--binarize", description = "Dynamic binarisation: each pixel is 1 with probability its intensity.")
    boolean binarize;

    @Option(names = "--figures-every", defaultValue = "1", paramLabel = "N",
            description = "Draw reconstructions_epochN.png and samples_epochN.png every N epochs and after the last one;"
                    + " loss.png is redrawn every epoch (default: ${DEFAULT-VALUE}).")
    int figuresEvery;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue from a checkpoint, also one saved inside an epoch (Ctrl-C saves one); the model and"
                    + " training options come from it and must agree when given again, --epochs is the new total.")
    Path resume;

    @Option(names = "--overwrite",
            description = "Write even if --out already holds a run: another run, or a later step of the resumed one.")
    boolean overwrite;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        ResumePoint resumePoint = resume == null ? null : new ResumePoint(CheckpointFile.read(resume), resume);
        Checkpoint checkpoint = resumePoint == null ? null : resumePoint.checkpoint();
        OptionChecks.atLeast(spec, "--figures-every", figuresEvery, 1);
        if (checkpoint == null) {
            validateOptions();
        } else {
            refuseOptionsThatDisagreeWith(checkpoint.config());
        }
        LearningRateSchedule schedule = checkpoint == null ? schedule() : checkpoint.config().training().lrSchedule();
        if (schedule.maxEpochs() < epochs) {
            throw new ParameterException(spec.commandLine(), "--epochs " + epochs + " is past the end of the "
                    + schedule.name().toLowerCase(Locale.ROOT) + " learning rate schedule (" + schedule.maxEpochs()
                    + " epochs)");
        }
        if (checkpoint != null && checkpoint.epochsCompleted() >= OptionChecks.atLeast(spec, "--epochs", epochs, 1)) {
            console.printf("%s has already trained %d epochs; nothing to do for --epochs %d%n",
                    resume, checkpoint.epochsCompleted(), epochs);
            return 0;
        }
        DeviceOptions.ModelDevice device = deviceOptions.forModel(checkpoint == null ? shape.architecture()
                : checkpoint.config().model().architecture());
        Path outDir = outDir();
        try (RunFolderLock _ = RunFolderLock.acquire(outDir)) {
            return train(outDir, resumePoint, device, console);
        }
    }

    /** The run, while this process holds the lock on {@code outDir}: the guards, the data, the training. */
    private int train(Path outDir, ResumePoint resumePoint, DeviceOptions.ModelDevice device, PrintWriter console) {
        Checkpoint checkpoint = resumePoint == null ? null : resumePoint.checkpoint();
        if (!overwrite && checkpoint == null) {
            RunFolderGuard.refuseNewRunOver(outDir, epochs,
                    total -> continueCommand(outDir.resolve(TrainingSession.CHECKPOINT), total), withOverwrite());
        } else if (!overwrite) {
            RunFolderGuard.refuseResumeOver(outDir, resumePoint, "resume into another folder with --out DIR, or"
                    + " replace what it holds with: " + withOverwrite());
        }
        DataRequest request = data.request(checkpoint == null ? null : checkpoint.config());
        LoadedData loaded = DataOptions.load(request, console);
        String where = DataOptions.where(request);
        RunIdentity identity = identity(resumePoint, loaded.fingerprint(), where, console);
        int n = checkpoint == null ? limit : checkpoint.config().training().limit();
        ImageSet trainSet = limited(loaded.train(), n);
        ImageSet testSet = limited(loaded.test(), n);
        RunConfig config = checkpoint == null ? configFromOptions(request, trainSet) : checkpoint.config().withEpochs(epochs);
        if (checkpoint == null) {
            // a batch larger than the whole set is a mistake, not a wish for one short batch an epoch
            OptionChecks.atMost(spec, "--batch-size", batchSize, trainSet.count(), "training images"
                    + (n > 0 ? " that --limit " + n + " keeps" : " in " + where));
        }
        String used = trainSet.count() == loaded.train().count() && testSet.count() == loaded.test().count() ? ""
                : " (--limit " + n + ": " + trainSet.count() + " train / " + testSet.count() + " test)";
        StopRequest stop = new StopRequest();
        try (SignalTrap trap = SignalTrap.stoppingTraining(stop, console); Backend backend = device.open(console)) {
            boolean finished = new TrainingSession(config, identity, loaded.description() + used, outDir, resumePoint,
                    deviceOptions.replaySteps(), figuresEvery)
                    .run(backend, trainSet, testSet, console, TrainingProgress.forConsole(console, trainSet.count(),
                            config.training().batchSize(), config.training().epochs()), stop);
            if (!finished) {
                console.println("continue with: " + continueCommand(outDir.resolve(TrainingSession.CHECKPOINT), epochs));
                console.flush();
            }
            return finished ? 0 : stop.reason().orElseThrow().exitCode();
        }
    }

    /** --out as given; else a resumed run's own folder, or the default. */
    private Path outDir() {
        if (out != null) {
            return out;
        }
        if (resume != null) {
            return resume.getParent() != null ? resume.getParent() : Path.of(".");
        }
        return Path.of(DEFAULT_OUT);
    }

    /**
     * The run's identity: a new one for a new run, the checkpoint's for a resumed run, whose data
     * must be the data it trained on; a checkpoint of format 1 had none, so it gets one here.
     */
    private RunIdentity identity(ResumePoint resumePoint, DataFingerprint data, String dir, PrintWriter console) {
        RunIdentity saved = resumePoint == null ? null : resumePoint.checkpoint().identity();
        if (resumePoint != null && saved == null) {
            RunIdentity assigned = RunIdentity.start(data);
            console.println(resumePoint.file() + " has no run identity (checkpoint format 1): it continues as run "
                    + assigned.id() + " on " + dir + " (" + data.describe() + ")");
            return assigned;
        }
        if (saved == null) {
            return RunIdentity.start(data);
        }
        if (!saved.data().equals(data)) {
            throw new VaeCudaException(VaeCudaException.USAGE, dir + " holds other data (" + data.describe() + ") than "
                    + RunFolderGuard.describe(resumePoint.file(), resumePoint.checkpoint()) + " trained on ("
                    + saved.data().describe() + "); resume it with --data naming the files it started with");
        }
        return saved;
    }

    /** The command, from the user's folder, that continues the run saved in {@code checkpointFile} to {@code total} epochs. */
    private String continueCommand(Path checkpointFile, int total) {
        List<String> args = new ArrayList<>(List.of(spec.name(), "--resume", checkpointFile.toString(),
                "--epochs", Integer.toString(total)));
        args.addAll(data.locationArgs());
        if (figuresEvery != 1) {
            args.addAll(List.of("--figures-every", Integer.toString(figuresEvery)));
        }
        return SuggestedCommand.of(spec, args);
    }

    /** This very command again, with --overwrite. */
    private String withOverwrite() {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        args.add("--overwrite");
        return SuggestedCommand.of(spec, args);
    }

    /** A resumed run keeps its model and training options: one given again must say the same. */
    private void refuseOptionsThatDisagreeWith(RunConfig saved) {
        ModelConfig model = saved.model();
        TrainingOptions training = saved.training();
        agree("--dataset", data.dataset, saved.dataset());
        agree("--arch", shape.arch, model.architecture().optionName());
        agree("--channels", shape.channels, model.channels());
        agree("--hidden", shape.hidden, model.hidden());
        agree("--latent", shape.latent, model.latent());
        agree("--loss", loss, model.loss().name().toLowerCase(Locale.ROOT));
        agree("--beta", beta, model.beta());
        agree("--activation", shape.activation, model.activation().name().toLowerCase(Locale.ROOT));
        agree("--batch-size", batchSize, training.batchSize());
        agree("--lr", learningRate, training.learningRate());
        agree("--lr-schedule", lrSchedule, training.lrSchedule().name().toLowerCase(Locale.ROOT));
        agree("--adam-eps", adamEpsilon, training.adamEpsilon());
        agree("--init", initialization, training.initialization().name().toLowerCase(Locale.ROOT));
        agree("--seed", seed, training.seed());
        agree("--limit", limit, training.limit());
        agree("--binarize", binarize, training.binarize());
    }

    private void agree(String option, Object given, Object saved) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option) && !given.equals(saved)) {
            throw new ParameterException(spec.commandLine(), option + " " + given + " differs from the checkpoint's "
                    + saved + ": a resumed run keeps the model and training options it started with");
        }
    }

    private static ImageSet limited(ImageSet set, int n) {
        return n > 0 ? set.first(n) : set;
    }

    private void validateOptions() {
        data.request(null); // checks the data options
        lossKind();
        shape.validate();
        OptionChecks.positiveFinite(spec, "--lr", learningRate);
        OptionChecks.positiveFinite(spec, "--adam-eps", adamEpsilon);
        initializationKind();
        OptionChecks.nonNegativeFinite(spec, "--beta", beta);
        OptionChecks.atLeast(spec, "--limit", limit, 0);
        OptionChecks.atLeast(spec, "--batch-size", batchSize, 1);
        OptionChecks.atLeast(spec, "--epochs", epochs, 1);
    }

    private LossKind lossKind() {
        return OptionChecks.oneOf(spec, "--loss", loss, LossKind.values());
    }

    private LearningRateSchedule schedule() {
        return OptionChecks.oneOf(spec, "--lr-schedule", lrSchedule, LearningRateSchedule.values());
    }

    private Initialization initializationKind() {
        return OptionChecks.oneOf(spec, "--init", initialization, Initialization.values());
    }

    /** The model takes the images' shape; its buffers must fit in int-indexed arrays. */
    private RunConfig configFromOptions(DataRequest request, ImageSet images) {
        if (images.pixelsPerImage() > ModelConfig.MAX_LAYER_WIDTH) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "the images are " + ImageShape.of(images)
                    + ", more than the " + ModelConfig.MAX_LAYER_WIDTH + " values a model takes");
        }
        ModelConfig model = shape.config(images.channels(), images.rows(), images.cols(), lossKind(), beta);
        if (model.parameterCount() > Integer.MAX_VALUE) {
            throw new ParameterException(spec.commandLine(), "--hidden " + model.hidden() + " and --latent " + shape.latent + " on "
                    + ImageShape.of(images) + " images make " + model.parameterCount()
                    + " parameters, more than the " + Integer.MAX_VALUE + " a buffer holds");
        }
        if (model.activationFloats(batchSize) > Integer.MAX_VALUE) {
            throw new ParameterException(spec.commandLine(), "--batch-size " + batchSize + " makes activations of "
                    + model.activationFloats(batchSize) + " floats, more than the " + Integer.MAX_VALUE + " a buffer holds");
        }
        TrainingOptions training = new TrainingOptions(learningRate, batchSize, epochs, seed, limit, binarize,
                initializationKind(), adamEpsilon, schedule());
        return new RunConfig(request.dataset(), model, training, FolderOptions.of(request));
    }
}
