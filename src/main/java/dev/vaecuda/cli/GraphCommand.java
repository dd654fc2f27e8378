package dev.vaecuda.cli;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.viz.ComputationalGraph;
import dev.vaecuda.viz.GraphvizDot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"The model's computational graph as Graphviz DOT, in torchviz's colours: parameters light blue, "
                + "operations grey, the loss green; tensor shapes on the nodes.",
            "Also renders .svg and .png beside the .dot when Graphviz's dot is on PATH. Computes nothing, so it has no --device."})
final class GraphCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Draw this checkpoint's model (default: PyTorch's example, 784-400-20, BCE).")
    Path checkpoint;

    @Option(names = "--out", defaultValue = "vae.dot", paramLabel = "FILE|DIR",
            description = "DOT file, or folder for vae.dot (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        ModelConfig config = checkpoint == null ? ModelConfig.pytorchExample() : CheckpointFile.read(checkpoint).config().model();
        Path file = OutputFile.resolve(out, "vae.dot");
        write(file, ComputationalGraph.dot(config));
        console.println("wrote " + file);
        Optional<Path> dot = GraphvizDot.find();
        if (dot.isEmpty()) {
            console.println("Graphviz's dot is not on PATH: no .svg or .png (install graphviz, or render " + file + " elsewhere)");
            return 0;
        }
        for (String format : List.of("svg", "png")) {
            Path rendered = OutputFile.withExtension(file, format);
            GraphvizDot.render(dot.get(), file, rendered, format);
            console.println("wrote " + rendered);
        }
        return 0;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VaeCudaException(VaeCudaException.FAILURE, file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
