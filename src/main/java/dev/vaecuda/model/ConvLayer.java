package dev.vaecuda.model;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;

/** nn.Conv2d: the backend's convolution and its two gradients. */
final class ConvLayer extends ChannelLayer {
    private final ConvShape shape;

    ConvLayer(LayerSpec.Conv spec, DeviceBuffer params, DeviceBuffer grads, int offset) {
        super(spec, params, grads, offset);
        this.shape = spec.shape();
    }

    @Override
    void forward(Backend backend, DeviceBuffer x, DeviceBuffer y, int rows) {
        backend.convForward(shape, x, weight, y, rows);
    }

    @Override
    void backward(Backend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, int rows) {
        backend.convBackwardFilter(shape, x, dy, weightGrad, rows);
        if (dx != null) {
            backend.convBackwardData(shape, dy, weight, dx, rows);
        }
    }
}
