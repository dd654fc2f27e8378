package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;

/**
 * A fully connected layer y = x W^T + b with PyTorch's layout: x is (rows, in), W is
 * (out, in), b is (out), y is (rows, out), all row-major. This is the one place that turns
 * row-major products into column-major GEMM calls: a row-major (r, c) matrix is the
 * column-major (c, r) matrix with leading dimension c.
 */
final class DenseLayer extends Layer {
    private final int in;
    private final int out;

    DenseLayer(LayerSpec.Dense spec, DeviceBuffer params, DeviceBuffer grads, int offset) {
        super(spec, params, grads, offset);
        this.in = spec.in();
        this.out = spec.out();
    }

    /** Column-major: y^T (out, rows) = W (out, in) x^T. */
    @Override
    void forward(Backend backend, DeviceBuffer x, DeviceBuffer y, int rows) {
        backend.gemm(true, false, out, rows, in, 1f, weight, in, x, in, 0f, y, out);
    }

    @Override
    void addBias(Backend backend, DeviceBuffer y, int rows, Activation activation) {
        backend.biasAdd(y, bias, rows, out, activation);
    }

    @Override
    void activationBackward(Backend backend, DeviceBuffer dy, DeviceBuffer y, int rows, Activation activation) {
        backend.activationBackward(dy, y, rows, out, activation, biasGrad);
    }

    /** dW = dy^T x (out, in) and dx = dy W (rows, in). */
    @Override
    void backward(Backend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, int rows) {
        // column-major dW^T (in, out) = x^T (in, rows) dy (rows, out)
        backend.gemm(false, true, in, out, rows, 1f, x, in, dy, out, 0f, weightGrad, in);
        if (dx != null) {
            // column-major dx^T (in, rows) = W^T (in, out) dy^T (out, rows)
            backend.gemm(false, false, in, rows, out, 1f, weight, in, dy, out, 0f, dx, in);
        }
    }
}
