package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import java.util.List;

/**
 * The encoder or the decoder: layers in a chain with an activation (ReLU or tanh) after every
 * one but the last. Owns the activations and their gradients for up to {@code capacity} rows.
 * The output's bias is left to the fused kernel that consumes the output (reparameterisation,
 * loss) when it is one per output unit (a dense last layer); a convolution's per-channel bias
 * is added here, and the consumer is handed zeros (see {@link #outputBias()}).
 */
final class LayerStack {
    private final Layer[] layers;
    /** outputs[i] is layer i's output (rows, layers[i].spec.outputSize()). */
    private final DeviceBuffer[] outputs;
    private final DeviceBuffer[] outputGrads;
    private final Activation activation;
    private final boolean outputBiasFused;
    private final DeviceBuffer outputBias;
    private final DeviceBuffer outputBiasGrad;

    /** Parameters start at {@code offset} of the flat vectors, layer after layer. */
    LayerStack(Backend backend, List<LayerSpec> specs, Activation activation, DeviceBuffer params,
               DeviceBuffer grads, int offset, int capacity) {
        this.activation = activation;
        layers = new Layer[specs.size()];
        outputs = new DeviceBuffer[layers.length];
        outputGrads = new DeviceBuffer[layers.length];
        for (int i = 0; i < layers.length; i++) {
            LayerSpec spec = specs.get(i);
            layers[i] = Layer.of(spec, params, grads, offset);
            offset += Math.toIntExact(spec.parameterCount());
            outputs[i] = backend.allocate(capacity * spec.outputSize());
            outputGrads[i] = backend.allocate(capacity * spec.outputSize());
        }
        Layer last = outputLayer();
        outputBiasFused = last instanceof DenseLayer;
        outputBias = outputBiasFused ? last.bias : backend.allocate(last.spec.outputSize());
        // the consumer's kernel writes the column sums of its gradient here; for a channel bias they go unused
        outputBiasGrad = outputBiasFused ? last.biasGrad : backend.allocate(last.spec.outputSize());
    }

    static long parameterCount(List<LayerSpec> specs) {
        return specs.stream().mapToLong(LayerSpec::parameterCount).sum();
    }

    /** The last layer's output (rows, size): valid after {@link #forward}. */
    DeviceBuffer output() {
        return outputs[layers.length - 1];
    }

    /** Where the caller writes d loss / d output before {@link #backward}. */
    DeviceBuffer outputGrad() {
        return outputGrads[layers.length - 1];
    }

    /** The hidden layers' outputs (rows, size) after bias and activation: valid after {@link #forward}. */
    List<DeviceBuffer> hiddenOutputs() {
        return List.of(outputs).subList(0, layers.length - 1);
    }

    Layer outputLayer() {
        return layers[layers.length - 1];
    }

    /** A bias per output unit, which the consumer of {@link #output()} adds: the last layer's, or zeros. */
    DeviceBuffer outputBias() {
        return outputBias;
    }

    /** Where the consumer's fused kernel writes the gradient of {@link #outputBias()}. */
    DeviceBuffer outputBiasGrad() {
        return outputBiasGrad;
    }

    /** Every layer; hidden ones with bias and activation, the last with its bias only if it is not fused. */
    void forward(Backend backend, DeviceBuffer input, int rows) {
        for (int i = 0; i < layers.length; i++) {
            layers[i].forward(backend, i == 0 ? input : outputs[i - 1], outputs[i], rows);
            if (i + 1 < layers.length) {
                layers[i].addBias(backend, outputs[i], rows, activation);
            } else if (!outputBiasFused) {
                layers[i].addBias(backend, outputs[i], rows, Activation.IDENTITY);
            }
        }
    }

    /**
     * {@link #forward} with the output's bias added too, for a caller with no fused kernel after it:
     * a conv output's bias is already in, so nothing is added twice (nor a pass of zeros).
     */
    void forwardWithOutputBias(Backend backend, DeviceBuffer input, int rows) {
        forward(backend, input, rows);
        if (outputBiasFused) {
            outputLayer().addBias(backend, output(), rows, Activation.IDENTITY);
        }
    }

    /**
     * From {@link #outputGrad()} (and {@link #outputBiasGrad()}, written with it): every parameter
     * gradient, and d loss / d input when inputGrad is not null.
     */
    void backward(Backend backend, DeviceBuffer input, DeviceBuffer inputGrad, int rows) {
        if (!outputBiasFused) {
            outputLayer().activationBackward(backend, outputGrad(), output(), rows, Activation.IDENTITY);
        }
        for (int i = layers.length - 1; i >= 0; i--) {
            boolean first = i == 0;
            layers[i].backward(backend, first ? input : outputs[i - 1], outputGrads[i],
                    first ? inputGrad : outputGrads[i - 1], rows);
            if (!first) {
                layers[i - 1].activationBackward(backend, outputGrads[i - 1], outputs[i - 1], rows, activation);
            }
        }
    }
}
