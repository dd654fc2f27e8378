package dev.vaecuda.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.cpu.SlicedBuffers.Placed;
import dev.vaecuda.backend.cpu.blas.Blas;
import dev.vaecuda.backend.cpu.blas.BlasChoice;
import dev.vaecuda.backend.cpu.blas.Blases;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU backend's convolutions against {@link ConvolutionReference} on fresh random inputs
 * (the seed is in every failure), within {@link RoundingBound}'s tolerance, with 1 and 3 threads,
 * every buffer a slice inside a larger one: the model's shapes, and awkward ones (batch 1, 1x1
 * maps, odd channel counts, non-square images, kernels 1, 3 and 4, strides 1 to 3, padding 0 to
 * 2, rows no window covers).
 */
class CpuConvolutionTest {
    /** MNIST's first and second encoder convolutions (their mirrors are the decoder's). */
    private static final ConvShape FIRST = new ConvShape(1, 28, 28, 32, 4, 2, 1);
    private static final ConvShape SECOND = new ConvShape(32, 14, 14, 64, 4, 2, 1);

    private final SlicedBuffers data = new SlicedBuffers();

    /** A shape and a batch size. */
    record Case(ConvShape shape, int rows) {
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                new Case(FIRST, 5), new Case(SECOND, 1),
                // split over 3 threads, several images a part
                new Case(SECOND, 40),
                new Case(new ConvShape(1, 1, 1, 1, 1, 1, 0), 1),
                new Case(new ConvShape(3, 1, 1, 5, 3, 1, 1), 2),
                new Case(new ConvShape(3, 5, 7, 5, 3, 1, 1), 3),
                new Case(new ConvShape(5, 6, 9, 3, 4, 2, 1), 4),
                // kernels that are no multiple of the stride: classes of offsets with phases missing
                new Case(new ConvShape(7, 9, 4, 1, 3, 2, 0), 3),
                new Case(new ConvShape(3, 8, 5, 4, 1, 2, 0), 2),
                // the last row and column are in no window: their gradient is 0
                new Case(new ConvShape(4, 8, 8, 3, 3, 2, 0), 3),
                new Case(new ConvShape(2, 11, 6, 3, 4, 3, 2), 2),
                // stride 1: one phase, 16 classes of offsets
                new Case(new ConvShape(64, 16, 16, 3, 4, 1, 1), 2)));
        for (int i = 0; i < 4; i++) {
            int kernel = List.of(1, 3, 4).get(data.random.nextInt(3)), padding = data.random.nextInt(kernel);
            int least = Math.max(1, kernel - 2 * padding);
            cases.add(new Case(new ConvShape(1 + data.random.nextInt(5), least + data.random.nextInt(10),
                    least + data.random.nextInt(10), 1 + data.random.nextInt(6), kernel, 1 + data.random.nextInt(3),
                    padding), 1 + data.random.nextInt(6)));
        }
        return cases;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void eachCallMatchesItsDefinition(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            for (Case c : cases()) {
                checkAll(backend, c.shape(), c.rows());
            }
        }
    }

    private void checkAll(CpuBackend backend, ConvShape s, int rows) {
        float[] x = data.randoms(rows * s.inputSize(), -1, 1), w = data.randoms(s.weightSize(), -1, 1);
        float[] dy = data.randoms(rows * s.outputSize(), -1, 1);
        String what = s + ", " + rows + " rows";
        Placed y = data.output(backend, dy.length), dx = data.output(backend, x.length), dw = data.output(backend, w.length);
        backend.convForward(s, data.put(backend, x), data.put(backend, w), y.slice(), rows);
        ConvolutionReference.forward(s, x, w, rows).check(data.download(backend, y, what), "forward " + what, data.seed);
        backend.convBackwardData(s, data.put(backend, dy), data.put(backend, w), dx.slice(), rows);
        ConvolutionReference.backwardData(s, dy, w, rows).check(data.download(backend, dx, what),
                "backward data " + what, data.seed);
        backend.convBackwardFilter(s, data.put(backend, x), data.put(backend, dy), dw.slice(), rows);
        ConvolutionReference.backwardFilter(s, x, dy, rows).check(data.download(backend, dw, what),
                "backward filter " + what, data.seed);
    }

    /** The outputs of the three calls, over the same inputs. */
    private static List<float[]> run(CpuBackend backend, ConvShape s, int rows, float[] x, float[] w, float[] dy) {
        DeviceBuffer y = backend.allocate(rows * s.outputSize()), dx = backend.allocate(x.length);
        DeviceBuffer dw = backend.allocate(w.length), bx = backend.allocate(x.length), bw = backend.allocate(w.length);
        DeviceBuffer bdy = backend.allocate(dy.length);
        backend.upload(x, bx);
        backend.upload(w, bw);
        backend.upload(dy, bdy);
        backend.convForward(s, bx, bw, y, rows);
        backend.convBackwardData(s, bdy, bw, dx, rows);
        backend.convBackwardFilter(s, bx, bdy, dw, rows);
        return List.of(backend.download(y), backend.download(dx), backend.download(dw));
    }

    /**
     * Call after call (the first ones interpreted, later ones compiled) the same bits; at another
     * thread count, the same bits for the forward pass and the data gradient (each image's on its
     * own), other roundings only for the filter gradient.
     */
    @Test
    void sameBitsOnEveryCallAtAThreadCount() {
        int rows = 30;
        float[] x = data.randoms(rows * SECOND.inputSize(), -1, 1), w = data.randoms(SECOND.weightSize(), -1, 1);
        float[] dy = data.randoms(rows * SECOND.outputSize(), -1, 1);
        List<RoundingBound> exact = List.of(ConvolutionReference.forward(SECOND, x, w, rows),
                ConvolutionReference.backwardData(SECOND, dy, w, rows), ConvolutionReference.backwardFilter(SECOND, x, dy, rows));
        try (CpuBackend one = new CpuBackend(1); CpuBackend two = new CpuBackend(2)) {
            List<float[]> first = run(two, SECOND, rows, x, w, dy), single = run(one, SECOND, rows, x, w, dy);
            for (int call = 0; call < 30; call++) {
                List<float[]> again = run(two, SECOND, rows, x, w, dy);
                for (int out = 0; out < 3; out++) {
                    assertArrayEquals(first.get(out), again.get(out), "output " + out + ", call " + call + ", seed " + data.seed);
                }
            }
            for (int out = 0; out < 3; out++) {
                exact.get(out).check(single.get(out), "1 thread, output " + out, data.seed);
                exact.get(out).check(first.get(out), "2 threads, output " + out, data.seed);
            }
            assertArrayEquals(single.get(0), first.get(0), "forward, 1 and 2 threads, seed " + data.seed);
            assertArrayEquals(single.get(1), first.get(1), "backward data, 1 and 2 threads, seed " + data.seed);
        }
    }

    /**
     * With s = sum of dy * convForward(x, w): convBackwardData(dy, w) and convBackwardFilter(x, dy)
     * are ds/dx and ds/dw. s is linear in x and in w, so the identities <dy, conv(x, w)> =
     * <backwardData(dy, w), x> = <backwardFilter(x, dy), w> hold exactly, and a central difference
     * of s is its derivative but for rounding. Both checked on the backend's float results, in
     * double, within the sum of their elements' rounding bounds.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void backwardCallsAreTheForwardPassGradients(int threads) {
        try (CpuBackend backend = new CpuBackend(threads)) {
            for (Case c : cases().subList(3, 12)) {
                ConvShape s = c.shape();
                int rows = c.rows();
                float[] x = data.randoms(rows * s.inputSize(), -1, 1), w = data.randoms(s.weightSize(), -1, 1);
                float[] dy = data.randoms(rows * s.outputSize(), -1, 1);
                List<float[]> out = run(backend, s, rows, x, w, dy);
                RoundingBound y = ConvolutionReference.forward(s, x, w, rows);
                RoundingBound dx = ConvolutionReference.backwardData(s, dy, w, rows);
                RoundingBound dw = ConvolutionReference.backwardFilter(s, x, dy, rows);
                double ySlack = innerSlack(dy, y), sum = inner(dy, out.get(0));
                assertEquals(sum, inner(x, out.get(1)), ySlack + innerSlack(x, dx), s + ": <dy, y> = <dx, x>, seed " + data.seed);
                assertEquals(sum, inner(w, out.get(2)), ySlack + innerSlack(w, dw), s + ": <dy, y> = <dw, w>, seed " + data.seed);
                for (int probe = 0; probe < 3; probe++) {
                    int i = data.random.nextInt(x.length), k = data.random.nextInt(w.length);
                    assertEquals(out.get(1)[i], centralDifference(backend, s, rows, x, w, dy, x, i), dx.tolerance(i)
                            + 2 * ySlack, s + ": ds/dx[" + i + "], seed " + data.seed);
                    assertEquals(out.get(2)[k], centralDifference(backend, s, rows, x, w, dy, w, k), dw.tolerance(k)
                            + 2 * ySlack, s + ": ds/dw[" + k + "], seed " + data.seed);
                }
            }
        }
    }

    /** (s(v + e/2) - s(v - e/2)) / (the step) for v = x or w (the one given as {@code moved}), e its i-th unit vector. */
    private static double centralDifference(CpuBackend backend, ConvShape s, int rows, float[] x, float[] w, float[] dy,
                                            float[] moved, int i) {
        float kept = moved[i], up = kept + 0.5f, down = kept - 0.5f;
        moved[i] = up;
        double above = inner(dy, run(backend, s, rows, x, w, dy).get(0));
        moved[i] = down;
        double below = inner(dy, run(backend, s, rows, x, w, dy).get(0));
        moved[i] = kept;
        return (above - below) / ((double) up - down);
    }

    private static double inner(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** How far <a, b> may move when b is a float result within its bound (the double sum's own rounding aside). */
    private static double innerSlack(float[] a, RoundingBound b) {
        double slack = 0;
        for (int i = 0; i < a.length; i++) {
            slack += Math.abs(a[i]) * b.tolerance(i);
        }
        return slack + 1e-12;
    }

    /**
     * The scratch grows on the first call; later calls at the same sizes allocate no arrays, on any
     * thread: 64 KB in 10 steps is allowed (a call's lambdas), where one array a call were to
     * allocate would take over 1 MB (a thread's wide rows alone are 14 to 27 KB). On netlib's
     * pure-Java BLAS, which allocates nothing itself: the native one's downcall wraps its arrays
     * in about 340 bytes of objects per call (the dense layers' GEMMs too).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void callsAfterTheFirstAllocateNothing(int threads) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (CpuBackend backend = new CpuBackend(threads, Blases.get(BlasChoice.java))) {
            long[] ids = java.util.stream.Stream.concat(java.util.stream.Stream.of(Thread.currentThread()),
                    Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)
                            && t.getName().startsWith("vae-cpu-"))).mapToLong(Thread::threadId).toArray();
            assertEquals(threads, ids.length, "the caller and the backend's workers");
            int rows = 16;
            DeviceBuffer x = backend.allocate(rows * FIRST.inputSize()), h = backend.allocate(rows * FIRST.outputSize());
            DeviceBuffer y = backend.allocate(rows * SECOND.outputSize());
            DeviceBuffer w1 = backend.allocate(FIRST.weightSize()), w2 = backend.allocate(SECOND.weightSize());
            backend.upload(data.randoms(rows * FIRST.inputSize(), 0, 1), x);
            Runnable step = () -> {
                backend.convForward(FIRST, x, w1, h, rows);
                backend.convForward(SECOND, h, w2, y, rows);
                backend.convBackwardData(SECOND, y, w2, h, rows);
                backend.convBackwardFilter(SECOND, h, y, w2, rows);
                backend.convBackwardFilter(FIRST, x, h, w1, rows);
                backend.convBackwardData(FIRST, h, w1, x, rows);
            };
            step.run();
            long[] first = bean.getThreadAllocatedBytes(ids);
            for (int call = 0; call < 10; call++) {
                step.run();
            }
            long[] later = bean.getThreadAllocatedBytes(ids);
            long allocated = 0;
            for (int t = 0; t < ids.length; t++) {
                allocated += later[t] - first[t];
            }
            assertTrue(allocated <= 64 * 1024, allocated + " bytes allocated in 10 steps");
        }
    }

    /** A BLAS that must not be called concurrently is called from the caller's thread alone, with the same results. */
    @Test
    void aBlasThatIsNotThreadSafeIsCalledFromOneThread() {
        Blas bundled = Blases.get(BlasChoice.bundled);
        Set<Thread> callers = ConcurrentHashMap.newKeySet();
        Blas serial = new Blas() {
            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                              int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
                callers.add(Thread.currentThread());
                bundled.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            }

            @Override
            public boolean concurrentCallsSafe() {
                return false;
            }

            @Override
            public String description() {
                return "serial";
            }
        };
        int rows = 30;
        float[] x = data.randoms(rows * SECOND.inputSize(), -1, 1), w = data.randoms(SECOND.weightSize(), -1, 1);
        float[] dy = data.randoms(rows * SECOND.outputSize(), -1, 1);
        try (CpuBackend backend = new CpuBackend(3, serial); CpuBackend single = new CpuBackend(1, bundled)) {
            List<float[]> got = run(backend, SECOND, rows, x, w, dy), alone = run(single, SECOND, rows, x, w, dy);
            assertEquals(Set.of(Thread.currentThread()), callers);
            for (int out = 0; out < 3; out++) {
                assertArrayEquals(alone.get(out), got.get(out), "output " + out + " as on 1 thread, seed " + data.seed);
            }
        }
    }
}
