package dev.vaecuda.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.stream.Stream;

/**
 * vae-cuda's `--arch conv` model (bench/pytorch_vae.py's ConvVAE): encoder Conv2d(1,32,4,2,1)-ReLU-
 * Conv2d(32,64,4,2,1)-ReLU-flatten-Linear(3136, 2*20) (mu, logvar); decoder Linear(20,3136)-ReLU-
 * unflatten to 64x7x7-ConvTranspose2d(64,32,4,2,1)-ReLU-ConvTranspose2d(32,1,4,2,1), logits;
 * BCE with logits summed over the batch, plus KL.
 */
final class ConvVae implements DjlModel {
    private static final int LATENT = 20;
    private static final int MAP = 64 * 7 * 7;
    private static final Shape STRIDE = new Shape(2, 2), PADDING = new Shape(1, 1), DILATION = new Shape(1, 1);

    /** Weight then bias of conv1, conv2, the encoder's head, the decoder's linear layer, deconv1 and deconv2. */
    private final NDArray[] params;

    ConvVae(NDManager manager) {
        params = Stream.of(
                DjlModel.layer(manager, new Shape(32, 1, 4, 4), 32),
                DjlModel.layer(manager, new Shape(64, 32, 4, 4), 64),
                DjlModel.layer(manager, new Shape(2 * LATENT, MAP), 2 * LATENT),
                DjlModel.layer(manager, new Shape(MAP, LATENT), MAP),
                // ConvTranspose2d's weight is (in, out, k, k)
                DjlModel.layer(manager, new Shape(64, 32, 4, 4), 32),
                DjlModel.layer(manager, new Shape(32, 1, 4, 4), 1)).flatMap(Stream::of).toArray(NDArray[]::new);
    }

    @Override
    public NDArray[] parameters() {
        return params;
    }

    private NDArray weight(int layer) {
        return params[2 * layer];
    }

    private NDArray bias(int layer) {
        return params[2 * layer + 1];
    }

    private NDArray conv(int layer, NDArray x) {
        return Conv2d.conv2d(x, weight(layer), bias(layer), STRIDE, PADDING, DILATION, 1).head();
    }

    private NDArray deconv(int layer, NDArray x) {
        return PhasedConvTranspose.apply(x, weight(layer), bias(layer));
    }

    private NDArray linear(int layer, NDArray x) {
        return Linear.linear(x, weight(layer), bias(layer)).head();
    }

    @Override
    public NDArray loss(NDArray x) {
        long rows = x.getShape().get(0);
        NDArray images = x.reshape(rows, 1, 28, 28);
        NDArray map = Activation.relu(conv(1, Activation.relu(conv(0, images))));
        NDList head = linear(2, map.reshape(rows, MAP)).split(2, 1);
        NDArray mu = head.get(0), logvar = head.get(1);
        NDArray hidden = Activation.relu(linear(3, DjlModel.sample(mu, logvar))).reshape(rows, 64, 7, 7);
        NDArray logits = deconv(5, Activation.relu(deconv(4, hidden)));
        // F.binary_cross_entropy_with_logits, summed: softplus(l) - x * l
        NDArray bce = Activation.softPlus(logits).sub(images.mul(logits)).sum();
        return bce.add(DjlModel.kl(mu, logvar));
    }
}
