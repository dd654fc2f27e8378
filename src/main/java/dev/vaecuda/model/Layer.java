package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;

/**
 * A layer's calls on the backend, over views of its weight and bias (and their gradients) in the
 * flat parameter and gradient vectors. Inputs and outputs are (rows, size) row-major, which for
 * a convolution is NCHW. The bias is a separate call, so that a fused kernel downstream can add it.
 */
abstract class Layer {
    final LayerSpec spec;
    final DeviceBuffer weight;
    final DeviceBuffer bias;
    final DeviceBuffer weightGrad;
    final DeviceBuffer biasGrad;

    /** Views into the flat parameter and gradient vectors at {@code offset}: weight then bias. */
    Layer(LayerSpec spec, DeviceBuffer params, DeviceBuffer grads, int offset) {
        this.spec = spec;
        int weights = Math.toIntExact(spec.weightCount());
        this.weight = params.slice(offset, weights);
        this.bias = params.slice(offset + weights, spec.biasCount());
        this.weightGrad = grads.slice(offset, weights);
        this.biasGrad = grads.slice(offset + weights, spec.biasCount());
    }

    static Layer of(LayerSpec spec, DeviceBuffer params, DeviceBuffer grads, int offset) {
        return switch (spec) {
            case LayerSpec.Dense dense -> new DenseLayer(dense, params, grads, offset);
            case LayerSpec.Conv conv -> new ConvLayer(conv, params, grads, offset);
            case LayerSpec.ConvTranspose transpose -> new ConvTransposeLayer(transpose, params, grads, offset);
        };
    }

    /** y = the layer's linear map of x, without the bias. Overwrites y. */
    abstract void forward(Backend backend, DeviceBuffer x, DeviceBuffer y, int rows);

    /** y = activation(y + bias). */
    abstract void addBias(Backend backend, DeviceBuffer y, int rows, Activation activation);

    /** dy *= activation'(from its output y); then the bias gradient from dy (overwrites). */
    abstract void activationBackward(Backend backend, DeviceBuffer dy, DeviceBuffer y, int rows, Activation activation);

    /**
     * From dy: the weight gradient (overwrites) and, when dx is not null, dx (overwrites). The bias
     * gradient comes from {@link #activationBackward} or the fused kernel that made dy.
     */
    abstract void backward(Backend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, int rows);
}
