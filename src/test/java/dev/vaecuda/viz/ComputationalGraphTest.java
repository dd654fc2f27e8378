package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.LossKind;
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
    }
}
