package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import java.util.List;

/**
 * A chain of Linear layers with an activation (ReLU or tanh) between them and none after the last. Owns the
 * activations and their gradients for up to {@code capacity} rows. The last layer's bias is
 * left to the fused kernel that consumes its output (see {@link #lastBias()}).
 */
final class Mlp {
    private final Linear[] layers;
    /** outputs[i] is layer i's output (rows, layers[i].out). */
    private final DeviceBuffer[] outputs;
    private final DeviceBuffer[] outputGrads;
    private final Activation activation;

    /** sizes = [in, hidden..., out]; parameters start at {@code offset} of the flat vectors. */
    Mlp(Backend backend, int[] sizes, Activation activation, DeviceBuffer params, DeviceBuffer grads, int offset,
        int capacity) {
        this.activation = activation;
        layers = new Linear[sizes.length - 1];
        outputs = new DeviceBuffer[layers.length];
        outputGrads = new DeviceBuffer[layers.length];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Linear(sizes[i], sizes[i + 1], params, grads, offset);
            offset += Math.toIntExact(Linear.parameterCount(sizes[i], sizes[i + 1]));
            outputs[i] = backend.allocate(capacity * sizes[i + 1]);
            outputGrads[i] = backend.allocate(capacity * sizes[i + 1]);
        }
    }

    static long parameterCount(int[] sizes) {
        long count = 0;
        for (int i = 0; i + 1 < sizes.length; i++) {
            count += Linear.parameterCount(sizes[i], sizes[i + 1]);
        }
        return count;
    }

    /** The last layer's output (rows, out): valid after {@link #forward}. */
    DeviceBuffer output() {
        return outputs[layers.length - 1];
    }

    /** Where the caller writes d loss / d output before {@link #backward}. */
    DeviceBuffer outputGrad() {
        return outputGrads[layers.length - 1];
    }

    /** The hidden layers' outputs (rows, out) after bias and ReLU: valid after {@link #forward}. */
    List<DeviceBuffer> hiddenOutputs() {
        return List.of(outputs).subList(0, layers.length - 1);
    }

    /** The last layer's bias, which {@link #forward} does not add. */
    DeviceBuffer lastBias() {
        return layers[layers.length - 1].bias();
    }

    /** Where the fused kernel of the backward pass writes the last layer's bias gradient. */
    DeviceBuffer lastBiasGrad() {
        return layers[layers.length - 1].biasGrad();
    }

    /** Every layer; hidden ones with bias and activation, the last without its bias. */
    void forward(Backend backend, DeviceBuffer input, int rows) {
        for (int i = 0; i < layers.length; i++) {
            layers[i].multiply(backend, i == 0 ? input : outputs[i - 1], outputs[i], rows);
            if (i + 1 < layers.length) {
                backend.biasAdd(outputs[i], layers[i].bias(), rows, layers[i].out, activation);
            }
        }
    }

    /**
     * From {@link #outputGrad()} (and the last bias gradient, written with it): every parameter
     * gradient, and d loss / d input when inputGrad is not null.
     */
    void backward(Backend backend, DeviceBuffer input, DeviceBuffer inputGrad, int rows) {
        for (int i = layers.length - 1; i >= 0; i--) {
            boolean first = i == 0;
            layers[i].backward(backend, first ? input : outputs[i - 1], outputGrads[i],
                    first ? inputGrad : outputGrads[i - 1], rows);
            if (!first) {
                Linear below = layers[i - 1];
                backend.activationBackward(outputGrads[i - 1], outputs[i - 1], rows, below.out, activation,
                        below.biasGrad());
            }
        }
    }
}
