package dev.vaecuda.model;

import java.util.SplittableRandom;

/**
 * PyTorch's default initialisation of nn.Linear: weight and bias uniform in
 * (-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform with a = sqrt(5) reduces to this bound).
 */
final class ParameterInit {
    private ParameterInit() {
    }

    /** Fills the flat vector, layer by layer, for chains of the given sizes in order. */
    static float[] pytorchDefault(long seed, int[]... chains) {
        long total = 0;
        for (int[] sizes : chains) {
            total += Mlp.parameterCount(sizes);
        }
        float[] params = new float[Math.toIntExact(total)];
        SplittableRandom random = new SplittableRandom(seed);
        int at = 0;
        for (int[] sizes : chains) {
            for (int i = 0; i + 1 < sizes.length; i++) {
                double bound = 1.0 / Math.sqrt(sizes[i]);
                long count = Linear.parameterCount(sizes[i], sizes[i + 1]);
                for (int j = 0; j < count; j++) {
                    params[at++] = (float) random.nextDouble(-bound, bound);
                }
            }
        }
        return params;
    }
}
