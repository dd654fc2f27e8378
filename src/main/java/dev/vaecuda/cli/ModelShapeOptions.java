package dev.vaecuda.cli;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.ModelConfig;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * `--arch`, `--channels`, `--hidden`, `--latent` and `--activation`: the model's shape, shared by
 * the commands that build a model from options.
 */
final class ModelShapeOptions {
    /** The options a checkpoint's model fixes, which a command reading one refuses. */
    static final List<String> NAMES = List.of("--arch", "--channels", "--hidden", "--latent", "--activation");
    private static final List<Integer> MLP_HIDDEN = List.of(400);
    private static final List<Integer> CONV_CHANNELS = List.of(32, 64);

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--arch", defaultValue = "mlp", paramLabel = "KIND",
            description = "mlp (dense layers, as PyTorch's example) or conv (a 4x4 stride-2 convolution per --channels"
                    + " entry, then --hidden dense layers; the decoder mirrors it with transposed convolutions; on the"
                    + " CPU only, for now) (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--channels", split = ",", paramLabel = "N",
            description = "--arch conv: the output channels of each convolution; each halves the image's height and"
                    + " width, which must be even that many times over (default: 32,64).")
    List<Integer> channels;

    @Option(names = "--hidden", split = ",", paramLabel = "N",
            description = "Hidden dense layer sizes of the encoder; the decoder mirrors them (default: 400 for mlp,"
                    + " none for conv).")
    List<Integer> hidden;

    @Option(names = "--latent", defaultValue = "20", paramLabel = "N",
            description = "Latent dimensions (default: ${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--activation", defaultValue = "relu", paramLabel = "KIND",
            description = "The hidden layers' activation: relu or tanh (default: ${DEFAULT-VALUE}).")
    String activation;

    /** Checks every option; throws picocli's ParameterException naming the first that is wrong. */
    void validate() {
        activation();
        if (architecture() == Architecture.MLP && channels != null) {
            throw new ParameterException(spec.commandLine(), "--channels goes with --arch conv only");
        }
        for (int size : hidden()) {
            OptionChecks.inRange(spec, "--hidden", size, 1, ModelConfig.MAX_LAYER_WIDTH);
        }
        for (int count : channels()) {
            OptionChecks.inRange(spec, "--channels", count, 1, ModelConfig.MAX_LAYER_WIDTH);
        }
        OptionChecks.inRange(spec, "--latent", latent, 1, ModelConfig.MAX_LAYER_WIDTH);
    }

    Architecture architecture() {
        return OptionChecks.oneOf(spec, "--arch", arch, Architecture.values());
    }

    Activation activation() {
        return OptionChecks.oneOf(spec, "--activation", activation, Activation.RELU, Activation.TANH);
    }

    /** As given, or the architecture's default. */
    List<Integer> hidden() {
        return hidden != null ? hidden : architecture() == Architecture.MLP ? MLP_HIDDEN : List.of();
    }

    /** As given for --arch conv (or 32,64), none for an MLP. */
    List<Integer> channels() {
        return architecture() == Architecture.MLP ? List.of() : channels != null ? channels : CONV_CHANNELS;
    }

    /**
     * The model of these options on images of channels x height x width; a shape the images do not
     * fit is a ParameterException.
     */
    ModelConfig config(int imageChannels, int imageHeight, int imageWidth, LossKind loss, float beta) {
        validate();
        try {
            return new ModelConfig(imageHeight, imageWidth, hidden(), latent, loss, beta, activation(), architecture(),
                    channels(), imageChannels);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
