package dev.vaecuda.viz;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.model.LayerSpec;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.ModelDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The VAE's forward computation as a Graphviz DOT graph, in torchviz's colour roles:
 * parameters light blue, operations (the backend calls a step makes, layer by layer: GEMMs,
 * convolutions, transposed convolutions; and the views where a map meets a dense layer) light
 * grey, the loss green; inputs are plain ellipses. Every node carries its tensor shape, B standing for the
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
        int latent = config.latent();
        List<LayerSpec> encoder = config.encoderLayers(), decoder = config.decoderLayers();
        LayerNode first = LayerNode.of(encoder.getFirst()), last = LayerNode.of(decoder.getLast());
        lines.add("digraph vae {");
        lines.add("  graph [label=\"VAE " + ModelDescription.of(config) + ", loss " + config.loss().name() + ", beta "
                + format(config.beta()) + "; B = batch size\", labelloc=t, fontname=Helvetica];");
        lines.add("  node [shape=box, style=filled, fontname=Helvetica, fontsize=11];");
        lines.add("  edge [fontname=Helvetica, fontsize=10];");
        node("x", "x\\n" + first.inputShape(), "white", "ellipse");
        String encoded = chain("encoder", encoder, "x", first.map());
        node("eps", "eps ~ N(0, I), Philox\\n(B, " + latent + ")", "white", "ellipse");
        node("reparameterize", "reparameterize\\nz = mu + exp(0.5 logvar) * eps\\n(B, " + latent + ")", OPERATION_COLOR, "box");
        edge(encoded, "reparameterize", "mu, logvar");
        edge("eps", "reparameterize", null);
        String logits = chain("decoder", decoder, "reparameterize", false);
        String reconstruction = config.loss() == LossKind.BCE ? "BCE(logits, x)" : "MSE(sigmoid(logits), x)";
        node("loss", "loss = " + reconstruction + " + beta * KL\\nsummed over pixels and batch\\n() scalar", LOSS_COLOR, "box");
        edge(logits, "loss", "logits " + last.outputShape());
        edge("x", "loss", "target");
        edge(encoded, "loss", "KL(q(z|x) || N(0, I))");
        lines.add("}");
    }

    /**
     * The layers in order, the activation after all but the last, from {@code input} (a map or
     * rows, as {@code inputIsMap} says); a view where rows meet a map or a map rows. Returns the last node.
     */
    private String chain(String name, List<LayerSpec> layers, String input, boolean inputIsMap) {
        String previous = input;
        boolean previousIsMap = inputIsMap;
        for (int i = 0; i < layers.size(); i++) {
            LayerNode layer = LayerNode.of(layers.get(i));
            if (layer.map() != previousIsMap) {
                // the same floats read another way (NCHW rows are the flattened maps): no backend call
                String view = name + (layer.map() ? ".reshape" : ".flatten");
                node(view, (layer.map() ? "reshape" : "flatten") + " (a view)\\n" + layer.inputShape(), OPERATION_COLOR, "box");
                edge(previous, view, null);
                previous = view;
            }
            boolean hidden = i + 1 < layers.size();
            String prefix = name + "." + i, operation = prefix + "." + layer.operationId();
            node(prefix + ".weight", prefix + ".weight\\n" + layer.weightShape(), PARAMETER_COLOR, "box");
            node(prefix + ".bias", prefix + ".bias\\n" + layer.biasShape(), PARAMETER_COLOR, "box");
            node(operation, layer.operation() + "\\n" + layer.outputShape(), OPERATION_COLOR, "box");
            node(prefix + ".bias_add", (hidden ? layer.biasAdd() + " + " + activationName : layer.biasAdd()) + "\\n"
                    + layer.outputShape(), OPERATION_COLOR, "box");
            edge(previous, operation, null);
            edge(prefix + ".weight", operation, null);
            edge(operation, prefix + ".bias_add", null);
            edge(prefix + ".bias", prefix + ".bias_add", null);
            previous = prefix + ".bias_add";
            previousIsMap = layer.map();
        }
        return previous;
    }

    private void node(String id, String label, String color, String shape) {
        lines.add("  \"" + id + "\" [label=\"" + label + "\", fillcolor=" + color + ", shape=" + shape + "];");
    }

    private void edge(String from, String to, String label) {
        lines.add("  \"" + from + "\" -> \"" + to + "\"" + (label == null ? "" : " [label=\"" + label + "\"]") + ";");
    }

    private static String format(float value) {
        return String.format(Locale.ROOT, "%g", value).replaceAll("\\.?0+$", "");
    }
}
