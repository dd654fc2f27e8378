package dev.vaecuda.viz;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.model.LayerSpec;

/**
 * How the computational graph draws one layer: its operation (the backend call without the
 * bias: a GEMM, a convolution or a transposed one), the shapes of its parameters, and the
 * tensors it reads and writes, B standing for the batch size. A convolution's tensors are NCHW
 * maps; {@code map} says so, and where a map meets a dense layer's rows the graph draws the view.
 */
record LayerNode(String operationId, String operation, String biasAdd, String weightShape, String biasShape,
                 String inputShape, String outputShape, boolean map) {

    static LayerNode of(LayerSpec spec) {
        String bias = "(" + spec.biasCount() + ")";
        return switch (spec) {
            case LayerSpec.Dense d -> new LayerNode("gemm", "gemm: input W^T", "biasAdd", "(" + d.out() + ", " + d.in() + ")",
                    bias, "(B, " + d.in() + ")", "(B, " + d.out() + ")", false);
            case LayerSpec.Conv c -> {
                ConvShape s = c.shape();
                yield new LayerNode("conv", convolution("conv", s, s.inChannels(), s.outChannels(), s.inHeight(), s.inWidth(),
                        s.outHeight(), s.outWidth()), "channelBiasAdd", weight(s), bias, inputMap(s), outputMap(s), true);
            }
            case LayerSpec.ConvTranspose t -> {
                // the transpose of its mirror: reads the mirror's output map, writes the mirror's input map
                ConvShape s = t.mirror();
                yield new LayerNode("conv_transpose", convolution("conv_transpose", s, s.outChannels(), s.inChannels(),
                        s.outHeight(), s.outWidth(), s.inHeight(), s.inWidth()), "channelBiasAdd", weight(s), bias,
                        outputMap(s), inputMap(s), true);
            }
        };
    }

    /** "conv 4x4 /2 pad 1  1->32  28x28->14x14": kernel, stride, padding, channels, map sizes. */
    private static String convolution(String name, ConvShape s, int inChannels, int outChannels, int inHeight, int inWidth,
                                      int outHeight, int outWidth) {
        return name + " " + s.kernel() + "x" + s.kernel() + " /" + s.stride() + " pad " + s.padding() + "  " + inChannels
                + "->" + outChannels + "  " + inHeight + "x" + inWidth + "->" + outHeight + "x" + outWidth;
    }

    /** torch's layout for both: Conv2d's (out, in, k, k), and ConvTranspose2d's (in, out, k, k) of the mirror's. */
    private static String weight(ConvShape s) {
        return "(" + s.outChannels() + ", " + s.inChannels() + ", " + s.kernel() + ", " + s.kernel() + ")";
    }

    private static String inputMap(ConvShape s) {
        return "(B, " + s.inChannels() + ", " + s.inHeight() + ", " + s.inWidth() + ")";
    }

    private static String outputMap(ConvShape s) {
        return "(B, " + s.outChannels() + ", " + s.outHeight() + ", " + s.outWidth() + ")";
    }
}
