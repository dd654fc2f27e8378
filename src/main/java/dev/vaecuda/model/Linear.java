package dev.vaecuda.model;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;

/**
 * A fully connected layer y = x W^T + b with PyTorch's layout: x is (rows, in), W is
 * (out, in), b is (out), y is (rows, out), all row-major. This is the one place that turns
 * row-major products into column-major GEMM calls: a row-major (r, c) matrix is the
 * column-major (c, r) matrix with leading dimension c.
 */
final class Linear {
    final int in;
    final int out;
    private final DeviceBuffer weight;
    private final DeviceBuffer bias;
    private final DeviceBuffer weightGrad;
    private final DeviceBuffer biasGrad;

    /** Views into the flat parameter and gradient vectors at {@code offset}: W then b. */
    Linear(int in, int out, DeviceBuffer params, DeviceBuffer grads, int offset) {
        this.in = in;
        this.out = out;
        this.weight = params.slice(offset, in * out);
        this.bias = params.slice(offset + in * out, out);
        this.weightGrad = grads.slice(offset, in * out);
        this.biasGrad = grads.slice(offset + in * out, out);
    }

    static long parameterCount(int in, int out) {
        return (long) in * out + out;
    }

    /** y = x W^T, without the bias. Column-major: y^T (out, rows) = W (out, in) x^T. Overwrites y. */
    void multiply(Backend backend, DeviceBuffer x, DeviceBuffer y, int rows) {
        backend.gemm(true, false, out, rows, in, 1f, weight, in, x, in, 0f, y, out);
    }

    /**
     * The bias, which a fused kernel after {@link #multiply} adds (bias add + ReLU for a hidden
     * layer, reparameterize for the encoder head, the loss for the decoder output).
     */
    DeviceBuffer bias() {
        return bias;
    }

    /** d loss / d bias: the column sums of dy, written by the fused kernel of the backward pass. */
    DeviceBuffer biasGrad() {
        return biasGrad;
    }

    /**
     * From dy (rows, out): dW = dy^T x (out, in) and, when dx is not null, dx = dy W (rows, in).
     * Both overwrite. (db, the column sums of dy, comes from the fused kernel that made dy.)
     */
    void backward(Backend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, int rows) {
        // column-major dW^T (in, out) = x^T (in, rows) dy (rows, out)
        backend.gemm(false, true, in, out, rows, 1f, x, in, dy, out, 0f, weightGrad, in);
        if (dx != null) {
            // column-major dx^T (in, rows) = W^T (in, out) dy^T (out, rows)
            backend.gemm(false, false, in, rows, out, 1f, weight, in, dy, out, 0f, dx, in);
        }
    }
}
