package dev.vaecuda.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The flat parameter vector's first values, layer by layer (weight then bias, see {@link
 * LayerSpec}) for the given chains of layers in order. PyTorch's default for nn.Linear, nn.Conv2d
 * and nn.ConvTranspose2d: weight and bias uniform in (-1/sqrt(fan_in), 1/sqrt(fan_in))
 * (kaiming_uniform with a = sqrt(5) reduces to this bound). Glorot and Bengio (2010): weight
 * uniform in (-sqrt(6/(fan_in+fan_out)), sqrt(6/(fan_in+fan_out))), bias 0.
 */
final class ParameterInit {
    /** The output bias's pixel means are clipped to this distance from 0 and 1 before their logit. */
    static final double MEAN_CLIP = 0.001;

    private ParameterInit() {
    }

    @SafeVarargs
    static float[] of(Initialization kind, long seed, List<LayerSpec>... chains) {
        long total = 0;
        for (List<LayerSpec> chain : chains) {
            total += LayerStack.parameterCount(chain);
        }
        float[] params = new float[Math.toIntExact(total)];
        SplittableRandom random = new SplittableRandom(seed);
        int at = 0;
        for (List<LayerSpec> chain : chains) {
            for (LayerSpec layer : chain) {
                int in = layer.fanIn(), out = layer.fanOut();
                boolean glorot = kind == Initialization.GLOROT;
                double bound = glorot ? Math.sqrt(6.0 / (in + out)) : 1.0 / Math.sqrt(in);
                for (long j = 0; j < layer.weightCount(); j++) {
                    params[at++] = (float) random.nextDouble(-bound, bound);
                }
                for (int j = 0; j < layer.biasCount(); j++) {
                    params[at++] = glorot ? 0f : (float) random.nextDouble(-bound, bound);
                }
            }
        }
        return params;
    }

    /**
     * The means of {@code blocks} equal consecutive parts of {@code means}: per output channel of
     * an NCHW image (one block per pixel for a dense output layer, where they are the means themselves).
     */
    static float[] blockMeans(float[] means, int blocks) {
        if (blocks == means.length) {
            return means;
        }
        int size = means.length / blocks;
        float[] result = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            double sum = 0;
            for (int i = b * size; i < (b + 1) * size; i++) {
                sum += means[i];
            }
            result[b] = (float) (sum / size);
        }
        return result;
    }

    /** log(p / (1 - p)) of each mean, clipped to [MEAN_CLIP, 1 - MEAN_CLIP]. */
    static float[] logitsOfMeans(float[] means) {
        float[] logits = new float[means.length];
        for (int i = 0; i < means.length; i++) {
            double p = Math.clamp(means[i], MEAN_CLIP, 1 - MEAN_CLIP);
            logits[i] = (float) Math.log(p / (1 - p));
        }
        return logits;
    }
}
