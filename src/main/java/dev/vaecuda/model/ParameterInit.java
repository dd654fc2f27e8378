package dev.vaecuda.model;

import java.util.SplittableRandom;

/**
 * The flat parameter vector's first values, layer by layer in {@link Linear}'s layout (W then b)
 * for chains of the given sizes in order. PyTorch's default for nn.Linear: weight and bias uniform
 * in (-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform with a = sqrt(5) reduces to this bound). Glorot and
 * Bengio (2010): weight uniform in (-sqrt(6/(in+out)), sqrt(6/(in+out))), bias 0.
 */
final class ParameterInit {
    /** The output bias's pixel means are clipped to this distance from 0 and 1 before their logit. */
    static final double MEAN_CLIP = 0.001;

    private ParameterInit() {
    }

    static float[] of(Initialization kind, long seed, int[]... chains) {
        long total = 0;
        for (int[] sizes : chains) {
            total += Mlp.parameterCount(sizes);
        }
        float[] params = new float[Math.toIntExact(total)];
        SplittableRandom random = new SplittableRandom(seed);
        int at = 0;
        for (int[] sizes : chains) {
            for (int i = 0; i + 1 < sizes.length; i++) {
                int in = sizes[i], out = sizes[i + 1];
                boolean glorot = kind == Initialization.GLOROT;
                double bound = glorot ? Math.sqrt(6.0 / (in + out)) : 1.0 / Math.sqrt(in);
                for (long j = 0; j < (long) in * out; j++) {
                    params[at++] = (float) random.nextDouble(-bound, bound);
                }
                for (int j = 0; j < out; j++) {
                    params[at++] = glorot ? 0f : (float) random.nextDouble(-bound, bound);
                }
            }
        }
        return params;
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
