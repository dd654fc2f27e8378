package dev.vaecuda.model;

import dev.vaecuda.backend.ConvShape;

/**
 * One layer's shape: the floats it reads and writes per image, its weight and bias, and the fan
 * in and out that initialisation reads (as torch computes them from the weight's shape).
 * Parameters are laid out weight then bias, in torch's layouts.
 */
public sealed interface LayerSpec {
    int inputSize();

    int outputSize();

    long weightCount();

    /** One bias per output unit (dense) or per output channel (convolutions). */
    int biasCount();

    int fanIn();

    int fanOut();

    default long parameterCount() {
        return weightCount() + biasCount();
    }

    /** A fully connected layer, weight (out, in) as nn.Linear's. */
    record Dense(int in, int out) implements LayerSpec {
        public int inputSize() {
            return in;
        }

        public int outputSize() {
            return out;
        }

        public long weightCount() {
            return (long) in * out;
        }

        public int biasCount() {
            return out;
        }

        public int fanIn() {
            return in;
        }

        public int fanOut() {
            return out;
        }
    }

    /** nn.Conv2d of {@code shape}: weight (outChannels, inChannels, k, k). */
    record Conv(ConvShape shape) implements LayerSpec {
        public int inputSize() {
            return shape.inputSize();
        }

        public int outputSize() {
            return shape.outputSize();
        }

        public long weightCount() {
            return shape.weightSize();
        }

        public int biasCount() {
            return shape.outChannels();
        }

        public int fanIn() {
            return shape.inChannels() * shape.kernel() * shape.kernel();
        }

        public int fanOut() {
            return shape.outChannels() * shape.kernel() * shape.kernel();
        }
    }

    /**
     * nn.ConvTranspose2d that maps {@code mirror}'s output shape back to its input shape: weight
     * (mirror.outChannels, mirror.inChannels, k, k), which is torch's (in, out, k, k) for the
     * transposed layer; torch takes its fan in from the weight's second dimension.
     */
    record ConvTranspose(ConvShape mirror) implements LayerSpec {
        public int inputSize() {
            return mirror.outputSize();
        }

        public int outputSize() {
            return mirror.inputSize();
        }

        public long weightCount() {
            return mirror.weightSize();
        }

        public int biasCount() {
            return mirror.inChannels();
        }

        public int fanIn() {
            return mirror.inChannels() * mirror.kernel() * mirror.kernel();
        }

        public int fanOut() {
            return mirror.outChannels() * mirror.kernel() * mirror.kernel();
        }
    }
}
