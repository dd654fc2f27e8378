package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;

/** A convolution or transposed convolution: one bias per output channel, added over NCHW maps. */
abstract class ChannelLayer extends Layer {
    private final int channels;
    private final int spatial;

    ChannelLayer(LayerSpec spec, DeviceBuffer params, DeviceBuffer grads, int offset) {
        super(spec, params, grads, offset);
        this.channels = spec.biasCount();
        this.spatial = spec.outputSize() / channels;
    }

    @Override
    final void addBias(Backend backend, DeviceBuffer y, int rows, Activation activation) {
        backend.channelBiasAdd(y, bias, rows, channels, spatial, activation);
    }

    @Override
    final void activationBackward(Backend backend, DeviceBuffer dy, DeviceBuffer y, int rows, Activation activation) {
        backend.channelActivationBackward(dy, y, rows, channels, spatial, activation, biasGrad);
    }
}
