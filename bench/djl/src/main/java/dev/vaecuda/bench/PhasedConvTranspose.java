package dev.vaecuda.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * ConvTranspose2d(kernel 4, stride 2, padding 1), which DJL's PyTorch engine lacks (its
 * Conv2dTranspose throws "Not implemented"), from one conv2d. Output pixel (2m + a, 2n + b)
 * meets only the kernel taps of parities (a, b): each phase (a, b) is a stride-1 convolution
 * with a 2x2 kernel over the input padded by one. The four phases are one conv2d's output
 * channels, (h + 1) x (w + 1) each, interleaved into a (2h + 2) x (2w + 2) map whose border is
 * cropped. The phases' extra row and column cost (h + 1)(w + 1) / hw the multiply-adds of
 * torch's conv_transpose2d: 1.31x at 7x7, 1.15x at 14x14. Measured on 2 threads against the
 * alternatives (four 2x2 conv2d over cropped inputs; a GEMM then an overlap-add of 16 slices),
 * which were 2 to 20 times slower in DJL: each slice's backward fills a gradient as large as its source.
 */
final class PhasedConvTranspose {
    private PhasedConvTranspose() {
    }

    /** x (rows, in, h, w), weight (in, out, 4, 4) as ConvTranspose2d's, bias (out): (rows, out, 2h, 2w). */
    static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        long rows = x.getShape().get(0), h = x.getShape().get(2), w = x.getShape().get(3), out = weight.getShape().get(1);
        // as conv2d's (out, in, 4, 4), flipped: its taps (2r + a, 2c + b), r and c in {0, 1}, are phase (a, b)'s kernel
        NDArray flipped = weight.transpose(1, 0, 2, 3).flip(2, 3);
        NDList kernels = new NDList(), biases = new NDList();
        // phase (a, b)'s output (s, t) lands at (2s + 1 - a, 2t + 1 - b) of the uncropped map: phases in reverse order
        for (int a = 1; a >= 0; a--) {
            for (int b = 1; b >= 0; b--) {
                kernels.add(flipped.get(":, :, " + a + "::2, " + b + "::2"));
                biases.add(bias);
            }
        }
        Shape one = new Shape(1, 1);
        NDArray phases = Conv2d.conv2d(x, NDArrays.concat(kernels, 0), NDArrays.concat(biases, 0), one, one, one, 1).head();
        // (rows, a, b, out, h + 1, w + 1) -> (rows, out, h + 1, a, w + 1, b) -> (rows, out, 2h + 2, 2w + 2), cropped
        return phases.reshape(rows, 2, 2, out, h + 1, w + 1).transpose(0, 3, 4, 1, 5, 2)
                .reshape(rows, out, 2 * h + 2, 2 * w + 2).get(":, :, 1:" + (2 * h + 1) + ", 1:" + (2 * w + 1));
    }
}
