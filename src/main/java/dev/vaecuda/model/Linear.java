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

    static int parameterCount(int in, int out) {
        return in * out + out;
    }

    /** y = x W^T + b, then ReLU when {@code relu}. Column-major: y^T (out, rows) = W (out, in) x^T. Overwrites y. */
    void forward(Backend backend, DeviceBuffer x, DeviceBuffer y, int rows, boolean relu) {
        backend.gemm(true, false, out, rows, in, 1f, weight, in, x, in, 0f, y, out);
        backend.biasAdd(y, bias, rows, out, relu);
    }

    /**
     * From dy (rows, out): dW = dy^T x (out, in), db = column sums of dy, and, when dx is not
     * null, dx = dy W (rows, in). All three overwrite.
     */
    void backward(Backend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, int rows) {
        // column-major dW^T (in, out) = x^T (in, rows) dy (rows, out)
        backend.gemm(false, true, in, out, rows, 1f, x, in, dy, out, 0f, weightGrad, in);
        backend.biasGrad(dy, biasGrad, rows, out);
        if (dx != null) {
            // column-major dx^T (in, rows) = W^T (in, out) dy^T (out, rows)
            backend.gemm(false, false, in, rows, out, 1f, weight, in, dy, out, 0f, dx, in);
        }
    }
}
