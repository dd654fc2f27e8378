package dev.vaecuda.cli;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.model.ModelConfig;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `--hidden`, `--latent` and `--activation`: the model's shape, shared by the commands that build a model from options. */
final class ModelShapeOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--hidden", defaultValue = "400", split = ",", paramLabel = "N[,N...]",
            description = "Hidden layer sizes of the encoder; the decoder mirrors them (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--latent", defaultValue = "20", paramLabel = "N",
            description = "Latent dimensions (default: ${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--activation", defaultValue = "relu", paramLabel = "KIND",
            description = "The hidden layers' activation: relu or tanh (default: ${DEFAULT-VALUE}).")
    String activation;

    /** Checks all three options; throws picocli's ParameterException naming the first that is wrong. */
    void validate() {
        activation();
        for (int size : hidden) {
            OptionChecks.inRange(spec, "--hidden", size, 1, ModelConfig.MAX_LAYER_WIDTH);
        }
        OptionChecks.inRange(spec, "--latent", latent, 1, ModelConfig.MAX_LAYER_WIDTH);
    }

    Activation activation() {
        return OptionChecks.oneOf(spec, "--activation", activation, Activation.RELU, Activation.TANH);
    }
}
