package dev.vaecuda.model;

/** The Philox streams a run draws from, so no two uses of randomness share a counter. */
public final class RngStreams {
    /** eps of the reparameterisation in training steps; counter = the step. */
    public static final int TRAIN_EPS = 0;
    /** dynamic binarisation of training batches; counter = the step. */
    public static final int TRAIN_BINARIZE = 1;
    /** eps in evaluation; counter = (epoch << 32) | batch. */
    public static final int EVAL_EPS = 2;
    /** binarisation of evaluation batches; counter as EVAL_EPS. */
    public static final int EVAL_BINARIZE = 3;

    /** the fixed z of the sample pictures, the same every epoch; counter 0. */
    public static final int SAMPLE_Z = 4;
    /** importance samples 1..K-1 of `eval` (sample 0 uses EVAL_EPS); counter = (sample << 32) | batch. */
    public static final int IMPORTANCE_EPS = 5;
    /** binarisation of the images `show-data --binarize` draws; counter 0. */
    public static final int SHOW_DATA_BINARIZE = 6;

    private RngStreams() {
    }

    /**
     * The steps-done value to start an evaluation pass of {@code epoch} from: each batch's loss
     * advances it, so batch b draws with counter (epoch << 32) | b.
     */
    public static long evalStart(int epoch) {
        return evalCounter(epoch, 0) - 1;
    }

    /** The counter of evaluation batch {@code batch} of {@code epoch}. */
    public static long evalCounter(int epoch, int batch) {
        return ((long) epoch << 32) | batch;
    }
}
