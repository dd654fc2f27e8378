package dev.vaecuda.cli;

import dev.vaecuda.Choices;
import dev.vaecuda.VaeCudaException;
import dev.vaecuda.data.DataRequest;
import dev.vaecuda.data.DataSources;
import dev.vaecuda.data.LoadedData;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.train.FolderOptions;
import dev.vaecuda.train.ImageShape;
import dev.vaecuda.train.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The data options of every command that reads a data set: which set and where, and how a folder's
 * images are made one size and colour format and where they are cached. A command working on a
 * checkpoint defaults to the data its run trained on.
 */
final class DataOptions {
    private static final String DEFAULT_DATASET = "mnist";
    private static final double DEFAULT_TEST_FRACTION = 0.1;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "mnist, fashion-mnist, cifar10 (its binary batches) or folder (images; subfolders are labels)"
                    + " (default: " + DEFAULT_DATASET + "; with a checkpoint, the data set its run trained on).")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The data set's folder: the IDX files (plain or .gz), CIFAR-10's .bin batches (or their"
                    + " .tar.gz), or the images (default: data/<data set>).")
    Path directory;

    @Option(names = "--image-size", paramLabel = "N",
            description = "A folder's images: scale the shorter side to N, then crop the centre to N x N (default: their"
                    + " own size when they all agree; with a checkpoint, its run's).")
    Integer imageSize;

    @Option(names = "--image-channels", paramLabel = "C",
            description = "A folder's images as 1 (grey) or 3 (colour) channels (default: 3 when any image has colour;"
                    + " with a checkpoint, its run's). Not --channels, the convolutions' widths.")
    Integer imageChannels;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where a folder's prepared images are kept (default: beside the data).")
    Path cache;

    @Option(names = "--test-fraction", paramLabel = "F",
            description = "A folder without train/ and test/: the share of its images held out for testing (default: "
                    + DEFAULT_TEST_FRACTION + "; with a checkpoint, its run's).")
    Double testFraction;

    @Option(names = "--strict", description = "An unreadable image is an error, not skipped and counted.")
    boolean strict;

    /** The data a checkpoint's model works on: its run's, except where an option says otherwise; the model must take it. */
    LoadedData forModel(Path checkpointFile, RunConfig run, PrintWriter console) {
        DataRequest request = request(run);
        LoadedData data = load(request, console);
        if (!ImageShape.fits(data.test(), run.model())) {
            throw new VaeCudaException(VaeCudaException.FAILURE, "the images of " + where(request) + " are "
                    + ImageShape.of(data.test()) + " (channels x height x width), the model of " + checkpointFile
                    + " takes " + ImageShape.of(run.model()) + ": give the data it trained on with --dataset and --data");
        }
        return data;
    }

    /** The request of these options; where one is not given, {@code run}'s (null: the defaults). */
    DataRequest request(RunConfig run) {
        String name = dataset != null ? dataset : run != null ? run.dataset() : DEFAULT_DATASET;
        if (!DataRequest.DATASETS.contains(name)) {
            throw new ParameterException(spec.commandLine(), "--dataset must be " + Choices.listed(DataRequest.DATASETS)
                    + ", got '" + name + "'");
        }
        FolderOptions saved = run != null && name.equals(run.dataset()) ? run.folder() : null;
        Integer size = imageSize != null || saved == null ? imageSize : saved.imageSize();
        Integer channels = imageChannels != null || saved == null ? imageChannels : saved.imageChannels();
        double fraction = testFraction != null ? testFraction : saved != null ? saved.testFraction() : DEFAULT_TEST_FRACTION;
        if (size != null) {
            OptionChecks.atLeast(spec, "--image-size", size, 1);
        }
        if (channels != null && !ModelConfig.IMAGE_CHANNELS.contains(channels)) {
            throw new ParameterException(spec.commandLine(), "--image-channels must be 1 or 3, got " + channels);
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new ParameterException(spec.commandLine(), "--test-fraction must be between 0 and 1, got " + fraction);
        }
        return new DataRequest(name, Optional.ofNullable(directory), Optional.ofNullable(size),
                Optional.ofNullable(channels), Optional.ofNullable(cache), fraction, strict);
    }

    /** Where the data of {@code request} is, as messages name it. */
    static String where(DataRequest request) {
        return request.directory().map(Path::toString).orElse(request.dataset() + "'s default folder");
    }

    /** The options a checkpoint does not record, as given: for a command that continues its run. */
    List<String> locationArgs() {
        List<String> args = new ArrayList<>();
        if (directory != null) {
            args.addAll(List.of("--data", directory.toString()));
        }
        if (cache != null) {
            args.addAll(List.of("--cache", cache.toString()));
        }
        return args;
    }

    /** The data {@code request} names, its progress and notices printed to {@code console}. */
    static LoadedData load(DataRequest request, PrintWriter console) {
        return DataSources.load(request, line -> {
            console.println(line);
            console.flush();
        });
    }
}
