package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.model.Architecture;
import dev.vaecuda.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComputationalGraphTest {
    private static final String DOT = ComputationalGraph.dot(ModelConfig.pytorchExample());
    /** --arch conv's default: two convolutions, the dense head, and their mirror in the decoder. */
    private static final String CONV_DOT = ComputationalGraph.dot(new ModelConfig(28, 28, List.of(), 20, LossKind.BCE, 1f,
            Activation.RELU, Architecture.CONV, List.of(32, 64)));

    private static void assertEdge(String dot, String from, String to) {
        assertTrue(dot.contains("\"" + from + "\" -> \"" + to + "\""), from + " -> " + to + " in\n" + dot);
    }

    private static long count(String dot, String text) {
        return dot.lines().filter(line -> line.contains(text)).count();
    }

    @Test
    void hasTheThreeColourRolesWithShapes() {
        assertEquals(8, count(DOT, "fillcolor=" + ComputationalGraph.PARAMETER_COLOR), "4 layers: weight and bias each");
        assertEquals(9, count(DOT, "fillcolor=" + ComputationalGraph.OPERATION_COLOR), "4 x (gemm, biasAdd) + reparameterize");
        assertEquals(1, count(DOT, "fillcolor=" + ComputationalGraph.LOSS_COLOR));
        assertTrue(ComputationalGraph.LOSS_COLOR.contains("green"));
        for (String node : List.of("encoder.0.weight\\n(400, 784)", "encoder.1.weight\\n(40, 400)", "decoder.0.weight\\n(400, 20)",
                "decoder.1.bias\\n(784)", "reparameterize", "(B, 20)", "loss = BCE(logits, x) + beta * KL")) {
            assertTrue(DOT.contains(node), node + " in\n" + DOT);
        }
    }

    @Test
    void edgesFollowTheForwardPass() {
        assertEdge(DOT, "x", "encoder.0.gemm");
        assertEdge(DOT, "encoder.0.weight", "encoder.0.gemm");
        assertEdge(DOT, "encoder.0.gemm", "encoder.0.bias_add");
        assertEdge(DOT, "encoder.0.bias", "encoder.0.bias_add");
        assertEdge(DOT, "encoder.0.bias_add", "encoder.1.gemm");
        assertEdge(DOT, "encoder.1.bias_add", "reparameterize");
        assertEdge(DOT, "eps", "reparameterize");
        assertEdge(DOT, "reparameterize", "decoder.0.gemm");
        assertEdge(DOT, "decoder.0.bias_add", "decoder.1.gemm");
        assertEdge(DOT, "decoder.1.bias_add", "loss");
        assertEdge(DOT, "encoder.1.bias_add", "loss");
        assertEdge(DOT, "x", "loss");
        assertEquals(4 * 4 + 2 + 3, count(DOT, "->"), "4 per layer, 2 into reparameterize, 3 into the loss");
    }

    @Test
    void followsTheConfiguration() {
        String dot = ComputationalGraph.dot(new ModelConfig(12, 12, List.of(64, 32), 3, LossKind.MSE, 0.5f));
        assertEdge(dot, "encoder.2.bias_add", "reparameterize");
        assertEdge(dot, "decoder.2.bias_add", "loss");
        for (String node : List.of("encoder.2.weight\\n(6, 32)", "decoder.0.weight\\n(32, 3)", "decoder.2.weight\\n(144, 64)",
                "MSE(sigmoid(logits), x)", "beta 0.5")) {
            assertTrue(dot.contains(node), node + " in\n" + dot);
        }
    }

    @Test
    void drawsConvolutionsAndTransposedConvolutionsWithTheirShapes() {
        String dot = CONV_DOT;
        for (String node : List.of("VAE conv 1x28x28 -> 32x14x14 -> 64x7x7 -> 20 latent", "x\\n(B, 1, 28, 28)",
                "encoder.0.weight\\n(32, 1, 4, 4)", "encoder.0.bias\\n(32)",
                "conv 4x4 /2 pad 1  1->32  28x28->14x14\\n(B, 32, 14, 14)", "channelBiasAdd + ReLU\\n(B, 32, 14, 14)",
                "encoder.1.weight\\n(64, 32, 4, 4)", "conv 4x4 /2 pad 1  32->64  14x14->7x7\\n(B, 64, 7, 7)",
                "flatten (a view)\\n(B, 3136)", "encoder.2.weight\\n(40, 3136)", "decoder.0.weight\\n(3136, 20)",
                "reshape (a view)\\n(B, 64, 7, 7)", "decoder.1.weight\\n(64, 32, 4, 4)", "decoder.1.bias\\n(32)",
                "conv_transpose 4x4 /2 pad 1  64->32  7x7->14x14\\n(B, 32, 14, 14)",
                "decoder.2.weight\\n(32, 1, 4, 4)", "decoder.2.bias\\n(1)",
                "conv_transpose 4x4 /2 pad 1  32->1  14x14->28x28\\n(B, 1, 28, 28)",
                "\"decoder.2.bias_add\" [label=\"channelBiasAdd\\n(B, 1, 28, 28)\"", "logits (B, 1, 28, 28)")) {
            assertTrue(dot.contains(node), node + " in\n" + dot);
        }
        // the forward pass, edge after edge in the order the DOT lists them
        List<String> path = List.of("x", "encoder.0.conv", "encoder.0.bias_add", "encoder.1.conv", "encoder.1.bias_add",
                "encoder.flatten", "encoder.2.gemm", "encoder.2.bias_add", "reparameterize", "decoder.0.gemm",
                "decoder.0.bias_add", "decoder.reshape", "decoder.1.conv_transpose", "decoder.1.bias_add",
                "decoder.2.conv_transpose", "decoder.2.bias_add", "loss");
        int at = -1;
        for (int i = 0; i + 1 < path.size(); i++) {
            String edge = "\"" + path.get(i) + "\" -> \"" + path.get(i + 1) + "\"";
            int next = dot.indexOf(edge);
            assertTrue(next > at, edge + " after the edge before it in\n" + dot);
            at = next;
        }
        assertEdge(dot, "decoder.1.weight", "decoder.1.conv_transpose");
        assertEdge(dot, "encoder.0.bias", "encoder.0.bias_add");
        assertEquals(12, count(dot, "fillcolor=" + ComputationalGraph.PARAMETER_COLOR), "6 layers: weight and bias each");
        assertEquals(6 * 2 + 2 + 1, count(dot, "fillcolor=" + ComputationalGraph.OPERATION_COLOR),
                "6 x (operation, bias) + flatten and reshape + reparameterize");
        // edges only: the convolutions' labels hold "->" too
        assertEquals(6 * 4 + 2 + 2 + 3, count(dot, "\" -> \""), "4 per layer, 1 into each view, 2 into reparameterize, 3 into the loss");
    }

    @Test
    void graphvizRendersIt(@TempDir Path dir) throws IOException {
        Optional<Path> dot = GraphvizDot.find();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(dot.isPresent(), "CI=true but Graphviz's dot is not installed (ci/test.sh installs it)");
        } else {
            Assumptions.assumeTrue(dot.isPresent(), "Graphviz's dot is not installed");
        }
        Path source = Files.writeString(dir.resolve("vae.dot"), DOT);
        GraphvizDot.render(dot.get(), source, dir.resolve("vae.svg"), "svg");
        String svg = Files.readString(dir.resolve("vae.svg"));
        assertTrue(svg.contains("<svg") && svg.contains("encoder.0.weight") && svg.contains("lightblue"), svg);
        GraphvizDot.render(dot.get(), source, dir.resolve("vae.png"), "png");
        PngChecks.readNotBlank(dir.resolve("vae.png"), 0, 0);
        Path conv = Files.writeString(dir.resolve("conv.dot"), CONV_DOT);
        GraphvizDot.render(dot.get(), conv, dir.resolve("conv.svg"), "svg");
        String convSvg = Files.readString(dir.resolve("conv.svg"));
        assertTrue(convSvg.contains("conv_transpose 4x4 /2 pad 1") && convSvg.contains("decoder.2.weight"), convSvg);
    }
}
