package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import java.util.SplittableRandom;

/**
 * Fresh random inputs for one test (its seed goes in every failure message), placed as the
 * model's parameters and activations are: slices at a non-zero offset inside a larger buffer,
 * whose elements around the slice hold a sentinel that no call may change.
 */
final class SlicedBuffers {
    private static final float SENTINEL = -7.25f;

    final long seed = new SplittableRandom().nextLong();
    final SplittableRandom random = new SplittableRandom(seed);

    /** A slice and the buffer around it. */
    record Placed(DeviceBuffer whole, DeviceBuffer slice, int offset) {
    }

    float[] randoms(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextDouble(lo, hi);
        }
        return a;
    }

    /** {@code host} in a slice at a random offset of 1 to 7 inside a buffer up to 2 floats longer. */
    Placed place(Backend backend, float[] host) {
        int offset = 1 + random.nextInt(7), length = offset + host.length + random.nextInt(3);
        float[] whole = new float[length];
        java.util.Arrays.fill(whole, SENTINEL);
        System.arraycopy(host, 0, whole, offset, host.length);
        DeviceBuffer buffer = backend.allocate(length);
        backend.upload(whole, buffer);
        return new Placed(buffer, buffer.slice(offset, host.length), offset);
    }

    DeviceBuffer put(Backend backend, float[] host) {
        return place(backend, host).slice();
    }

    /** An output slice of {@code n} NaNs, so that an element a call fails to write shows. */
    Placed output(Backend backend, int n) {
        float[] nan = new float[n];
        java.util.Arrays.fill(nan, Float.NaN);
        return place(backend, nan);
    }

    /** The slice's contents, after checking that nothing around it changed. */
    float[] download(Backend backend, Placed placed, String what) {
        float[] whole = backend.download(placed.whole());
        int end = placed.offset() + placed.slice().length();
        for (int i = 0; i < whole.length; i++) {
            int at = i;
            assertTrue(i >= placed.offset() && i < end || whole[i] == SENTINEL,
                    () -> what + ": wrote outside its slice, at " + (at - placed.offset()) + " (seed " + seed + ")");
        }
        return java.util.Arrays.copyOfRange(whole, placed.offset(), end);
    }
}
