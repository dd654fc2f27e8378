package dev.vaecuda.selftest;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceStepState;
import java.util.Arrays;
import java.util.Random;

/**
 * A backend under test and the reference (the CPU backend), with the same data in both: each
 * operation is run on both and the results compared. Closes both.
 */
public final class BackendPair implements AutoCloseable {
    /** A buffer that exists in both backends. */
    public record Twin(DeviceBuffer device, DeviceBuffer reference, int length) {
    }

    /** A loss accumulator that exists in both backends. */
    public record TwinLossSum(DeviceLossSum device, DeviceLossSum reference) {
    }

    /** A step state that exists in both backends. */
    public record TwinState(DeviceStepState device, DeviceStepState reference) {
    }

    public final Backend device;
    public final Backend reference;
    public final Random random;
    private final long seed;
    private double largestShare;

    public BackendPair(Backend device, Backend reference, long seed) {
        this.device = device;
        this.reference = reference;
        this.seed = seed;
        this.random = new Random(seed);
    }

    public long seed() {
        return seed;
    }

    public Twin twin(float[] values) {
        Twin twin = new Twin(device.allocate(values.length), reference.allocate(values.length), values.length);
        device.upload(values, twin.device());
        reference.upload(values, twin.reference());
        return twin;
    }

    public TwinLossSum twinLossSum(double value) {
        TwinLossSum twin = new TwinLossSum(device.allocateLossSum(), reference.allocateLossSum());
        device.setLossSum(twin.device(), value);
        reference.setLossSum(twin.reference(), value);
        return twin;
    }

    public TwinState twinState(long stepsDone, int batchInEpoch) {
        TwinState twin = new TwinState(device.allocateStepState(), reference.allocateStepState());
        device.setStepState(twin.device(), stepsDone, batchInEpoch);
        reference.setStepState(twin.reference(), stepsDone, batchInEpoch);
        return twin;
    }

    /** Uniform values in [low, high). */
    public Twin uniform(int length, float low, float high) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = low + (high - low) * random.nextFloat();
        }
        return twin(values);
    }

    /**
     * Uniform values in [low, high) of which about one in ten is replaced by one of {@code edges},
     * with a random sign where low is negative: the values where kernels branch, saturate or
     * round to nothing.
     */
    public Twin uniformWithEdges(int length, float low, float high, float... edges) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextInt(10) == 0
                    ? (low < 0 && random.nextBoolean() ? -1 : 1) * edges[random.nextInt(edges.length)]
                    : low + (high - low) * random.nextFloat();
        }
        return twin(values);
    }

    public Twin filled(int length, float value) {
        float[] values = new float[length];
        Arrays.fill(values, value);
        return twin(values);
    }

    /** Throws {@link MismatchException} (naming the seed) when the two copies differ beyond the tolerance. */
    public void assertClose(String what, Twin twin, Tolerance tolerance) {
        record(tolerance.assertClose(named(what), reference.download(twin.reference()), device.download(twin.device())));
    }

    /** Notes the share of a tolerance that a passed comparison used. */
    void record(double share) {
        largestShare = Math.max(largestShare, share);
    }

    /** The largest share of its tolerance that any value compared so far used: how close the device came to failing. */
    public double largestShare() {
        return largestShare;
    }

    /** Throws {@link MismatchException} (naming the seed) unless the two copies are zero at the same elements. */
    public void assertZerosAgree(String what, Twin twin) {
        ElementwiseCheck sameZeros = (i, expected, actual) -> (expected == 0) == (actual == 0);
        sameZeros.assertHolds(named(what), reference.download(twin.reference()), device.download(twin.device()),
                "are zero on one side only");
    }

    String named(String what) {
        return what + " (seed " + seed + ")";
    }

    /** As {@link #assertClose(String, Twin, Tolerance)}, for the two loss sums. */
    public void assertClose(String what, TwinLossSum twin, Tolerance tolerance) {
        record(tolerance.assertClose(named(what), new float[] {(float) reference.readLossSum(twin.reference())},
                new float[] {(float) device.readLossSum(twin.device())}));
    }

    @Override
    public void close() {
        device.close();
        reference.close();
    }
}
