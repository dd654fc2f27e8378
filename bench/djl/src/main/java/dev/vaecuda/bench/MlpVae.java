package dev.vaecuda.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.util.Arrays;
import java.util.stream.Stream;

/** PyTorch's examples/vae (bench/pytorch_vae.py): 784-400-20, sigmoid output, BCE on probabilities plus KL. */
final class MlpVae implements DjlModel {
    private static final int PIXELS = 784;
    private static final int HIDDEN = 400;
    private static final int LATENT = 20;

    /** The weights and biases of fc1, fc21, fc22, fc3 and fc4, as in the example's nn.Linear. */
    private final NDArray[] params;

    MlpVae(NDManager manager) {
        int[][] layers = {{PIXELS, HIDDEN}, {HIDDEN, LATENT}, {HIDDEN, LATENT}, {LATENT, HIDDEN}, {HIDDEN, PIXELS}};
        params = Arrays.stream(layers).flatMap(l -> Stream.of(DjlModel.layer(manager, new Shape(l[1], l[0]), l[1])))
                .toArray(NDArray[]::new);
    }

    @Override
    public NDArray[] parameters() {
        return params;
    }

    private NDArray linear(int layer, NDArray x) {
        return Linear.linear(x, params[2 * layer], params[2 * layer + 1]).head();
    }

    /** The example's forward pass and loss_function: BCE summed over the batch plus KL. */
    @Override
    public NDArray loss(NDArray x) {
        NDArray h1 = Activation.relu(linear(0, x));
        NDArray mu = linear(1, h1);
        NDArray logvar = linear(2, h1);
        NDArray recon = Activation.sigmoid(linear(4, Activation.relu(linear(3, DjlModel.sample(mu, logvar)))));
        // F.binary_cross_entropy: PyTorch clamps each log at -100, so that a sigmoid saturated at
        // exactly 0 or 1 gives a finite loss instead of 0 * -inf = NaN
        NDArray logP = recon.log().maximum(-100f);
        NDArray log1mP = recon.neg().add(1f).log().maximum(-100f);
        NDArray bce = x.mul(logP).add(x.neg().add(1f).mul(log1mP)).sum().neg();
        return bce.add(DjlModel.kl(mu, logvar));
    }
}
