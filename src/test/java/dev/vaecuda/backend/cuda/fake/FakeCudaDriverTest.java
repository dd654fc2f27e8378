package dev.vaecuda.backend.cuda.fake;

import static dev.vaecuda.backend.cuda.fake.FakeCuda.*;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the fake driver does when used right: the shipped PTX's kernels run, graphs replay, blocks run shuffled. */
class FakeCudaDriverTest {
    // kernels/loss_sum.cuh: a double, a count, padding, and a float partial for each of up to 1024 blocks
    private static final long LOSS_SUM_BYTES = 16 + 4 * 1024;
    private FakeCuda cuda;

    @BeforeEach
    void freshDriver() {
        cuda = FakeCuda.fresh();
    }

    private static float[] ramp(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (i - n / 2) / 37.0f;
        }
        return values;
    }

    @Test
    void reportsTheConfiguredDevice() {
        cuda.setenv("FAKE_CUDA_DEVICE_NAME", "test GPU");
        cuda.setenv("FAKE_CUDA_COMPUTE_CAPABILITY", "8.6");
        assertEquals(CUDA_SUCCESS, cuda.call("cuInit", 0));
        MemorySegment name = cuda.arena.allocate(64);
        assertEquals(CUDA_SUCCESS, cuda.call("cuDeviceGetName", name, 64, 0));
        assertEquals("test GPU", name.getString(0));
        MemorySegment value = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuDeviceGetAttribute", value, 75, 0));
        assertEquals(8, intValue(value));
        assertEquals(CUDA_SUCCESS, cuda.call("cuDeviceGetAttribute", value, 16, 0));
        assertEquals(2, intValue(value), "the emulator's multiprocessor count");
    }

    @Test
    void shippedPtxKernelComputesWhatTheCpuComputes() {
        cuda.initWithContext();
        MemorySegment module = cuda.loadShippedPtx();
        int rows = 7, cols = 45;
        float[] y = ramp(rows * cols), bias = ramp(cols);
        long deviceY = cuda.alloc(4L * y.length), deviceBias = cuda.alloc(4L * bias.length);
        cuda.upload(deviceY, y);
        cuda.upload(deviceBias, bias);
        // bias_add(y, bias, rows, cols, relu = 1)
        assertEquals(CUDA_SUCCESS, cuda.launch(cuda.function(module, "bias_add"), 3, 64, cuda.stream(),
                deviceY, deviceBias, rows, cols, 1));
        float[] expected = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            expected[i] = Math.max(y[i] + bias[i % cols], 0.0f);
        }
        assertArrayEquals(expected, cuda.download(deviceY, y.length));
    }

    @Test
    void capturedGraphRunsOnlyWhenLaunchedAndReplays() {
        cuda.initWithContext();
        MemorySegment sigmoid = cuda.function(cuda.loadShippedPtx(), "sigmoid");
        MemorySegment stream = cuda.stream();
        int n = 300;
        long x = cuda.alloc(4L * n), y = cuda.alloc(4L * n);
        MemorySegment pinnedIn = cuda.out(), pinnedOut = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemAllocHost_v2", pinnedIn, 4L * n));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemAllocHost_v2", pinnedOut, 4L * n));
        MemorySegment in = MemorySegment.ofAddress(value(pinnedIn)).reinterpret(4L * n);
        MemorySegment out = MemorySegment.ofAddress(value(pinnedOut)).reinterpret(4L * n);
        in.fill((byte) 0);
        out.fill((byte) 0);

        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemcpyHtoDAsync_v2", x, in, 4L * n, stream));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemsetD8Async", y, 0, 4L * n, stream));
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 2, 128, stream, x, y, n));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemcpyDtoHAsync_v2", out, y, 4L * n, stream));
        MemorySegment graph = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, graph));
        assertEquals(0.0f, out.getAtIndex(JAVA_FLOAT, 0), "nothing ran while capturing");

        MemorySegment exec = cuda.out();
        MemorySegment graphHandle = MemorySegment.ofAddress(value(graph));
        assertEquals(CUDA_SUCCESS, cuda.call("cuGraphInstantiateWithFlags", exec, graphHandle, 0L));
        MemorySegment execHandle = MemorySegment.ofAddress(value(exec));
        for (float shift : new float[] {0.0f, 2.0f}) {
            // the copy node reads the pinned buffer when the graph runs
            float[] input = ramp(n);
            for (int i = 0; i < n; i++) {
                in.setAtIndex(JAVA_FLOAT, i, input[i] + shift);
            }
            assertEquals(CUDA_SUCCESS, cuda.call("cuGraphLaunch", execHandle, stream));
            assertEquals(CUDA_SUCCESS, cuda.call("cuStreamSynchronize", stream));
            for (int i = 0; i < n; i++) {
                float expected = (float) (1.0 / (1.0 + Math.exp(-(input[i] + shift))));
                assertEquals(expected, out.getAtIndex(JAVA_FLOAT, i), 1e-6f, "element " + i);
            }
        }
        assertEquals(CUDA_SUCCESS, cuda.call("cuGraphExecDestroy", execHandle));
        assertEquals(CUDA_SUCCESS, cuda.call("cuGraphDestroy", graphHandle));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemFreeHost", in));
        assertEquals(CUDA_SUCCESS, cuda.call("cuMemFreeHost", out));
    }

    /**
     * Blocks run in a shuffled order, as a GPU may run them: loss_and_gradients, whose blocks each
     * add a partial loss, must give the same sum, bit for bit, in every order (a float atomicAdd
     * of the partials gave a different rounding from launch to launch here).
     */
    @Test
    void theLossSumDoesNotDependOnTheOrderBlocksRunIn() {
        Set<Double> sums = lossSums("in-order");
        sums.addAll(lossSums("shuffled"));
        assertEquals(1, sums.size(), "loss sums over 8 launches in order and 8 shuffled: " + sums);
    }

    /** The loss sum of 8 launches on the same data, the blocks in {@code blockOrder}. */
    private Set<Double> lossSums(String blockOrder) {
        cuda = FakeCuda.fresh();
        cuda.setenv("FAKE_CUDA_BLOCK_ORDER", blockOrder);
        cuda.initWithContext();
        MemorySegment loss = cuda.function(cuda.loadShippedPtx(), "loss_and_gradients");
        int rows = 64, pixels = 784, latent = 20;
        Random random = new Random(3);
        float[] logits = new float[rows * pixels], target = new float[rows * pixels], meanLogvar = new float[rows * 2 * latent];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 4;
            target[i] = random.nextFloat();
        }
        long deviceLogits = cuda.alloc(4L * logits.length), deviceTarget = cuda.alloc(4L * target.length);
        long deviceMeanLogvar = cuda.alloc(4L * meanLogvar.length), bias = cuda.alloc(4L * pixels);
        long dLogits = cuda.alloc(4L * logits.length), dBias = cuda.alloc(4L * pixels);
        long dMeanLogvar = cuda.alloc(4L * meanLogvar.length), lossSum = cuda.alloc(LOSS_SUM_BYTES), state = cuda.alloc(16);
        cuda.upload(deviceLogits, logits);
        cuda.upload(deviceTarget, target);
        cuda.upload(deviceMeanLogvar, meanLogvar);
        cuda.upload(bias, new float[pixels]);  // zero: the kernel's logits += bias leaves logits as they are
        Set<Double> sums = new HashSet<>();
        for (int launch = 0; launch < 8; launch++) {
            // kernels/loss_sum.cuh: the double sum and the count of blocks done, zeroed
            cuda.upload(lossSum, new float[4]);
            assertEquals(CUDA_SUCCESS, cuda.launch(loss, new int[] {(pixels + 31) / 32, 1, 1}, new int[] {32, 8, 1},
                    MemorySegment.NULL, deviceLogits, bias, deviceTarget, deviceMeanLogvar, 1.0f, rows, pixels, latent, 1,
                    dLogits, dBias, dMeanLogvar, lossSum, state));
            float[] sum = cuda.download(lossSum, 2);
            sums.add(Double.longBitsToDouble(Float.floatToRawIntBits(sum[0]) & 0xFFFFFFFFL
                    | (long) Float.floatToRawIntBits(sum[1]) << 32));
        }
        return sums;
    }

    @Test
    void countsTheCallsOfEachEntryPoint() {
        long before = cuda.callLong("fake_cuda_call_count", cuda.arena.allocateFrom("cuInit"));
        cuda.call("cuInit", 0);
        cuda.call("cuInit", 0);
        assertEquals(before + 2, cuda.callLong("fake_cuda_call_count", cuda.arena.allocateFrom("cuInit")));
    }

    @Test
    void namesItsErrors() {
        MemorySegment name = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuGetErrorName", CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, name));
        assertEquals("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED",
                MemorySegment.ofAddress(value(name)).reinterpret(64).getString(0));
        assertEquals(CUDA_ERROR_INVALID_VALUE, cuda.call("cuGetErrorName", 12345, name));
        assertEquals(CUDA_SUCCESS, cuda.call("cuGetErrorString", CUDA_ERROR_ILLEGAL_ADDRESS, name));
        assertEquals("an illegal memory access was encountered",
                MemorySegment.ofAddress(value(name)).reinterpret(64).getString(0));
    }
}
