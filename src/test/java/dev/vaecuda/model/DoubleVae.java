package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.LossKind;

/**
 * The VAE in plain double-precision loops, written apart from the backends as the tests' oracle.
 * Parameters in PyTorch's layout, encoder then decoder: per layer W (out, in) then b.
 */
public record DoubleVae(ModelConfig config) {

    /** The encoder's output for one image: mu (latent) then logvar (latent). */
    public double[] encode(double[] p, double[] x) {
        return chain(p, 0, encoderSizes(), x);
    }

    /** The decoder's logits for one latent vector. */
    public double[] decode(double[] p, double[] z) {
        int[] encoder = encoderSizes();
        int decoderStart = 0;
        for (int i = 0; i + 1 < encoder.length; i++) {
            decoderStart += encoder[i] * encoder[i + 1] + encoder[i + 1];
        }
        return chain(p, decoderStart, decoderSizes(), z);
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

    private int[] encoderSizes() {
        int[] hidden = config.hidden().stream().mapToInt(Integer::intValue).toArray();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = config.pixels();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = 2 * config.latent();
        return sizes;
    }

    private int[] decoderSizes() {
        int[] hidden = config.hidden().stream().mapToInt(Integer::intValue).toArray();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = config.latent();
        for (int i = 0; i < hidden.length; i++) {
            sizes[i + 1] = hidden[hidden.length - 1 - i];
        }
        sizes[sizes.length - 1] = config.pixels();
        return sizes;
    }

    /** Linear layers with the configuration's hidden activation between them. */
    private double[] chain(double[] p, int offset, int[] sizes, double[] input) {
        double[] a = input;
        for (int l = 0; l + 1 < sizes.length; l++) {
            int in = sizes[l], out = sizes[l + 1];
            double[] y = new double[out];
            for (int o = 0; o < out; o++) {
                double sum = p[offset + in * out + o];
                for (int i = 0; i < in; i++) {
                    sum += p[offset + o * in + i] * a[i];
                }
                boolean hidden = l + 2 < sizes.length;
                y[o] = !hidden ? sum : config.activation() == Activation.TANH ? Math.tanh(sum) : Math.max(sum, 0);
            }
            offset += in * out + out;
            a = y;
        }
        return a;
    }
}
