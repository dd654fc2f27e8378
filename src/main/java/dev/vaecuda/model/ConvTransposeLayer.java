package dev.vaecuda.model;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;

/**
 * nn.ConvTranspose2d as the transpose of its mirror convolution (the one from this layer's output
 * back to its input): its forward pass is the mirror's backward-data pass, its backward-data pass
 * the mirror's forward pass, and its weight gradient the mirror's with input and output swapped.
 */
final class ConvTransposeLayer extends ChannelLayer {
    private final ConvShape mirror;

    ConvTransposeLayer(LayerSpec.ConvTranspose spec, DeviceBuffer params, DeviceBuffer grads, int offset) {
        super(spec, params, grads, offset);
        this.mirror = spec.mirror();
    }

    @Override
    void forward(Backend backend, DeviceBuffer x, DeviceBuffer y, int rows) {
        backend.convBackwardData(mirror, x, weight, y, rows);
    }

    @Override
    void backward(Backend backend, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, int rows) {
        backend.convBackwardFilter(mirror, dy, x, weightGrad, rows);
        if (dx != null) {
            backend.convForward(mirror, dy, weight, dx, rows);
        }
    }
}
