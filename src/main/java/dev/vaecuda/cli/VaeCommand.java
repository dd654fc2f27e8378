package dev.vaecuda.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(name = "vae-cuda", mixinStandardHelpOptions = true, version = "vae-cuda 0.1.0",
        description = "Trains Variational Autoencoders on MNIST and Fashion-MNIST, on an NVIDIA GPU or the CPU.",
        subcommands = {TrainCommand.class, EvalCommand.class, SampleCommand.class, ReconstructCommand.class,
            InterpolateCommand.class, LatentCommand.class, ShowDataCommand.class, ExportImagesCommand.class, GraphCommand.class,
            SelfTestCommand.class, InfoCommand.class, BenchCommand.class})
final class VaeCommand implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
