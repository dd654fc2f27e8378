package dev.vaecuda.model;

/**
 * log((1/n) sum exp(v_i)) of values that come one at a time, without overflow or underflow: the
 * largest value so far and the sum of exp(v_i - largest), rescaled when a larger one comes.
 */
public final class LogMeanExp {
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private long count;

    public void add(double value) {
        count++;
        if (value > max) {
            sum = sum * Math.exp(max - value) + 1;
            max = value;
        } else {
            sum += Math.exp(value - max);
        }
    }

    /** Of the values added so far; -infinity when all were -infinity, NaN before the first. */
    public double value() {
        return count == 0 ? Double.NaN : max == Double.NEGATIVE_INFINITY ? max : max + Math.log(sum / count);
    }
}
