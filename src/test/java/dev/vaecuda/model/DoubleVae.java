package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.LossKind;
import java.util.List;

/**
 * The VAE in plain double-precision loops, written apart from the backends as the tests' oracle,
 * convolutions straight from torch's definitions. Parameters in PyTorch's layouts, the layers of
 * {@link ModelConfig#encoderLayers()} then {@link ModelConfig#decoderLayers()}: per layer the
 * weight (Linear (out, in), Conv2d (out, in, k, k), ConvTranspose2d (in, out, k, k)) then the bias.
 */
public record DoubleVae(ModelConfig config) {

    /** A float parameter vector (or any floats) as the doubles this oracle reads. */
    public static double[] widened(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }

    /** The encoder's output for one image: mu (latent) then logvar (latent). */
    public double[] encode(double[] p, double[] x) {
        return chain(p, 0, config.encoderLayers(), x);
    }

    /** The decoder's logits for one latent vector. */
    public double[] decode(double[] p, double[] z) {
        return chain(p, Math.toIntExact(LayerStack.parameterCount(config.encoderLayers())), config.decoderLayers(), z);
    }

    /** -log p(x|z) as the training loss counts it: BCE of sigmoid(logits), or its squared error. */
    public double reconstruction(double[] logits, double[] x) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double q = 1 / (1 + Math.exp(-logits[i]));
            sum += config.loss() == LossKind.BCE ? -(x[i] * Math.log(q) + (1 - x[i]) * Math.log(1 - q)) : (q - x[i]) * (q - x[i]);
        }
        return sum;
    }

    /** The training loss summed over {@code rows} images x (rows, pixels), eps (rows, latent). */
    public double loss(double[] p, float[] x, float[] eps, int rows) {
        int pixels = config.pixels(), latent = config.latent();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] image = new double[pixels];
            for (int i = 0; i < pixels; i++) {
                image[i] = x[r * pixels + i];
            }
            double[] ml = encode(p, image);
            double[] z = new double[latent];
            double kl = 0;
            for (int j = 0; j < latent; j++) {
                double mu = ml[j], lv = ml[latent + j];
                z[j] = mu + Math.exp(0.5 * lv) * eps[r * latent + j];
                kl += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
            }
            total += reconstruction(decode(p, z), image) + config.beta() * kl;
        }
        return total;
    }

    /** The layers from {@code offset} of p, with the configuration's activation after all but the last. */
    private double[] chain(double[] p, int offset, List<LayerSpec> layers, double[] input) {
        double[] a = input;
        for (int l = 0; l < layers.size(); l++) {
            LayerSpec layer = layers.get(l);
            int bias = offset + Math.toIntExact(layer.weightCount());
            double[] y = switch (layer) {
                case LayerSpec.Dense dense -> dense(dense, p, offset, bias, a);
                case LayerSpec.Conv conv -> conv(conv.shape(), p, offset, bias, a);
                case LayerSpec.ConvTranspose transpose -> convTranspose(transpose.mirror(), p, offset, bias, a);
            };
            if (l + 1 < layers.size()) {
                for (int i = 0; i < y.length; i++) {
                    y[i] = config.activation() == Activation.TANH ? Math.tanh(y[i]) : Math.max(y[i], 0);
                }
            }
            offset = bias + layer.biasCount();
            a = y;
        }
        return a;
    }

    /** y[o] = b[o] + sum over i of W[o, i] x[i]. */
    private static double[] dense(LayerSpec.Dense layer, double[] p, int weight, int bias, double[] x) {
        int in = layer.in();
        double[] y = new double[layer.out()];
        for (int o = 0; o < y.length; o++) {
            y[o] = p[bias + o];
            for (int i = 0; i < in; i++) {
                y[o] += p[weight + o * in + i] * x[i];
            }
        }
        return y;
    }

    /**
     * torch's conv2d: y[o, i, j] = b[o] + sum over c, u, v of W[o, c, u, v] x[c, i*stride + u - padding,
     * j*stride + v - padding], x being 0 outside the image.
     */
    private static double[] conv(ConvShape s, double[] p, int weight, int bias, double[] x) {
        int k = s.kernel(), inH = s.inHeight(), inW = s.inWidth(), outH = s.outHeight(), outW = s.outWidth();
        double[] y = new double[s.outputSize()];
        for (int o = 0; o < s.outChannels(); o++) {
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    double sum = p[bias + o];
                    for (int c = 0; c < s.inChannels(); c++) {
                        for (int u = 0; u < k; u++) {
                            for (int v = 0; v < k; v++) {
                                int row = i * s.stride() + u - s.padding(), column = j * s.stride() + v - s.padding();
                                if (row >= 0 && row < inH && column >= 0 && column < inW) {
                                    sum += p[weight + ((o * s.inChannels() + c) * k + u) * k + v]
                                            * x[(c * inH + row) * inW + column];
                                }
                            }
                        }
                    }
                    y[(o * outH + i) * outW + j] = sum;
                }
            }
        }
        return y;
    }

    /**
     * torch's conv_transpose2d, from x shaped as mirror's output back to mirror's input shape: every
     * x[c, i, j] adds x[c, i, j] W[c, o, u, v] to y[o, i*stride + u - padding, j*stride + v - padding]
     * (dropped outside y); then y[o] += b[o]. W is (mirror.outChannels, mirror.inChannels, k, k).
     */
    private static double[] convTranspose(ConvShape mirror, double[] p, int weight, int bias, double[] x) {
        int k = mirror.kernel(), inH = mirror.outHeight(), inW = mirror.outWidth();
        int outC = mirror.inChannels(), outH = mirror.inHeight(), outW = mirror.inWidth();
        double[] y = new double[mirror.inputSize()];
        for (int c = 0; c < mirror.outChannels(); c++) {
            for (int i = 0; i < inH; i++) {
                for (int j = 0; j < inW; j++) {
                    for (int o = 0; o < outC; o++) {
                        for (int u = 0; u < k; u++) {
                            for (int v = 0; v < k; v++) {
                                int row = i * mirror.stride() + u - mirror.padding();
                                int column = j * mirror.stride() + v - mirror.padding();
                                if (row >= 0 && row < outH && column >= 0 && column < outW) {
                                    y[(o * outH + row) * outW + column] += x[(c * inH + i) * inW + j]
                                            * p[weight + ((c * outC + o) * k + u) * k + v];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int o = 0; o < outC; o++) {
            for (int s = 0; s < outH * outW; s++) {
                y[o * outH * outW + s] += p[bias + o];
            }
        }
        return y;
    }
}
