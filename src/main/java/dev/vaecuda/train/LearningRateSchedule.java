package dev.vaecuda.train;

/**
 * The learning rate of each epoch, from the run's --lr. CONSTANT: --lr throughout. IWAE (Burda et
 * al., 2016, section 5): --lr * 10^(-i/7) for 3^i epochs, i = 0..7, 3280 epochs in all.
 */
public enum LearningRateSchedule {
    CONSTANT, IWAE;

    /** The IWAE schedule's stages: i = 0..STAGES-1. */
    private static final int IWAE_STAGES = 8;
    /** 1 + 3 + ... + 3^7. */
    public static final int IWAE_EPOCHS = 3280;

    /** The most epochs a run on this schedule trains: IWAE's 3280, unbounded for CONSTANT. */
    public int maxEpochs() {
        return this == IWAE ? IWAE_EPOCHS : Integer.MAX_VALUE;
    }

    /** The stage of 1-based {@code epoch}: 0 throughout for CONSTANT; i for IWAE's epochs 3^0 + ... + 3^(i-1) + 1 .. 3^0 + ... + 3^i. */
    public int stage(int epoch) {
        if (epoch < 1 || epoch > maxEpochs()) {
            throw new IllegalArgumentException("epoch " + epoch + " is outside 1.." + maxEpochs() + " of the " + this
                    + " schedule");
        }
        if (this == CONSTANT) {
            return 0;
        }
        int last = 0;
        for (int i = 0, length = 1; i < IWAE_STAGES; i++, length *= 3) {
            last += length;
            if (epoch <= last) {
                return i;
            }
        }
        throw new AssertionError("epoch " + epoch + " past the schedule's stages");
    }

    /** The learning rate of 1-based {@code epoch}. */
    public float rate(float base, int epoch) {
        return (float) (base * Math.pow(10, -stage(epoch) / 7.0));
    }
}
