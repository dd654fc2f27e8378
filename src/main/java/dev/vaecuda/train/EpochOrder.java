package dev.vaecuda.train;

import java.util.SplittableRandom;

/** The order in which an epoch visits the training images: a Fisher-Yates shuffle keyed by (seed, epoch). */
final class EpochOrder {
    private EpochOrder() {
    }

    static void shuffle(long seed, int epoch, int[] order) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }
}
