package dev.vaecuda.viz;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The VAE's forward computation as a Graphviz DOT graph, in torchviz's colour roles:
 * parameters light blue, operations (the backend calls a step makes) light grey, the loss
 * green; inputs are plain ellipses. Every node carries its tensor shape, B standing for the
 * batch size; edges point forward, from what an operation reads to the operation.
 */
public final class ComputationalGraph {
    public static final String PARAMETER_COLOR = "lightblue";
    public static final String OPERATION_COLOR = "lightgrey";
    /** torchviz's colour for the tensor backward starts from. */
    public static final String LOSS_COLOR = "darkolivegreen1";

    private final List<String> lines = new ArrayList<>();
    /** The hidden layers' activation as the operation nodes name it: ReLU or tanh. */
    private final String activationName;

    private ComputationalGraph(String activationName) {
        this.activationName = activationName;
    }

    public static String dot(ModelConfig config) {
        ComputationalGraph graph = new ComputationalGraph(config.activation() == Activation.TANH ? "tanh" : "ReLU");
        graph.build(config);
        return String.join("\n", graph.lines) + "\n";
    }

    private void build(ModelConfig config) {
        int pixels = config.pixels(), latent = config.latent();
        List<Integer> hidden = config.hidden();
        lines.add("digraph vae {");
        lines.add("  graph [label=\"VAE " + sizes(config) + ", loss " + config.loss().name() + ", beta "
                + format(config.beta()) + "; B = batch size\", labelloc=t, fontname=Helvetica];");
        lines.add("  node [shape=box, style=filled, fontname=Helvetica, fontsize=11];");
        lines.add("  edge [fontname=Helvetica, fontsize=10];");
        node("x", "x\\n(B, " + pixels + ")", "white", "ellipse");
        List<Integer> encoderSizes = new ArrayList<>(List.of(pixels));
        encoderSizes.addAll(hidden);
        encoderSizes.add(2 * latent);
        String encoded = chain("encoder", encoderSizes, "x");
        node("eps", "eps ~ N(0, I), Philox\\n(B, " + latent + ")", "white", "ellipse");
        node("reparameterize", "reparameterize\\nz = mu + exp(0.5 logvar) * eps\\n(B, " + latent + ")", OPERATION_COLOR, "box");
        edge(encoded, "reparameterize", "mu, logvar");
        edge("eps", "reparameterize", null);
        List<Integer> decoderSizes = new ArrayList<>(List.of(latent));
        decoderSizes.addAll(hidden.reversed());
        decoderSizes.add(pixels);
        String logits = chain("decoder", decoderSizes, "reparameterize");
        String reconstruction = config.loss() == LossKind.BCE ? "BCE(logits, x)" : "MSE(sigmoid(logits), x)";
        node("loss", "loss = " + reconstruction + " + beta * KL\\nsummed over pixels and batch\\n() scalar", LOSS_COLOR, "box");
        edge(logits, "loss", "logits (B, " + pixels + ")");
        edge("x", "loss", "target");
        edge(encoded, "loss", "KL(q(z|x) || N(0, I))");
        lines.add("}");
    }

    /** Linear layers over sizes[0] -> sizes[1] -> ..., the activation after all but the last; returns the last node. */
    private String chain(String name, List<Integer> sizes, String input) {
        String previous = input;
        for (int i = 0; i + 1 < sizes.size(); i++) {
            int in = sizes.get(i), out = sizes.get(i + 1);
            boolean hidden = i + 2 < sizes.size();
            String prefix = name + "." + i;
            node(prefix + ".weight", prefix + ".weight\\n(" + out + ", " + in + ")", PARAMETER_COLOR, "box");
            node(prefix + ".bias", prefix + ".bias\\n(" + out + ")", PARAMETER_COLOR, "box");
            node(prefix + ".gemm", "gemm: input W^T\\n(B, " + out + ")", OPERATION_COLOR, "box");
            node(prefix + ".bias_add", (hidden ? "biasAdd + " + activationName : "biasAdd") + "\\n(B, " + out + ")", OPERATION_COLOR, "box");
            edge(previous, prefix + ".gemm", null);
            edge(prefix + ".weight", prefix + ".gemm", null);
            edge(prefix + ".gemm", prefix + ".bias_add", null);
            edge(prefix + ".bias", prefix + ".bias_add", null);
            previous = prefix + ".bias_add";
        }
        return previous;
    }

    private void node(String id, String label, String color, String shape) {
        lines.add("  \"" + id + "\" [label=\"" + label + "\", fillcolor=" + color + ", shape=" + shape + "];");
    }

    private void edge(String from, String to, String label) {
        lines.add("  \"" + from + "\" -> \"" + to + "\"" + (label == null ? "" : " [label=\"" + label + "\"]") + ";");
    }

    private static String sizes(ModelConfig config) {
        StringBuilder text = new StringBuilder().append(config.pixels());
        config.hidden().forEach(h -> text.append('-').append(h));
        return text.append('-').append(config.latent()).toString();
    }

    private static String format(float value) {
        return String.format(Locale.ROOT, "%g", value).replaceAll("\\.?0+$", "");
    }
}
