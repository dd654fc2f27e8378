package dev.vaecuda.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** A VAE that DjlVae trains: its parameters, and its summed loss for a batch of images (count x 784, in [0, 1]). */
interface DjlModel {
    NDArray[] parameters();

    NDArray loss(NDArray x);

    /**
     * torch's default initialisation of nn.Linear, nn.Conv2d and nn.ConvTranspose2d: weight and
     * bias uniform in +-1/sqrt(fan_in), fan_in the weight's second dimension times its kernel's area.
     */
    static NDArray[] layer(NDManager manager, Shape weight, long biases) {
        float bound = (float) (1 / Math.sqrt(weight.size() / weight.get(0)));
        NDArray[] layer = {manager.randomUniform(-bound, bound, weight), manager.randomUniform(-bound, bound, new Shape(biases))};
        for (NDArray p : layer) {
            p.setRequiresGradient(true);
        }
        return layer;
    }

    /** z = mu + exp(0.5 logvar) * eps, eps ~ N(0, I): the example's reparameterize. */
    static NDArray sample(NDArray mu, NDArray logvar) {
        NDArray std = logvar.mul(0.5f).exp();
        return mu.add(mu.getManager().randomNormal(std.getShape()).mul(std));
    }

    /** KL(q(z|x) || N(0, I)) summed over the batch: -0.5 * sum(1 + logvar - mu^2 - exp(logvar)). */
    static NDArray kl(NDArray mu, NDArray logvar) {
        return logvar.add(1f).sub(mu.square()).sub(logvar.exp()).sum().mul(-0.5f);
    }
}
