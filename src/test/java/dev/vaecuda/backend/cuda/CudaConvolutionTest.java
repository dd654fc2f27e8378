package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceCounters;
import dev.vaecuda.backend.Replayable;
import dev.vaecuda.selftest.BackendPair;
import dev.vaecuda.selftest.BackendPair.Twin;
import dev.vaecuda.selftest.GemmPrecision;
import dev.vaecuda.selftest.KernelChecks;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend's three convolution calls over the emulator's (cuDNN's calls, as EmulatedRuntime
 * makes them) against the CPU backend, on fresh random inputs (the seed is in every failure),
 * each output over NaNs (overwritten, never read): the model's shapes and awkward ones.
 */
class CudaConvolutionTest {

    /**
     * (shape, rows): MNIST's two encoder convolutions, then batch 1, odd channels, non-square maps,
     * kernels 1, 3 and 4, strides 1 to 3, padding 0 to 2.
     */
    static Stream<Object[]> cases() {
        return Stream.of(
                new Object[] {new ConvShape(1, 28, 28, 32, 4, 2, 1), 3},
                new Object[] {new ConvShape(32, 14, 14, 64, 4, 2, 1), 2},
                new Object[] {new ConvShape(1, 1, 1, 1, 1, 1, 0), 1},
                new Object[] {new ConvShape(3, 5, 7, 5, 3, 1, 1), 1},
                new Object[] {new ConvShape(5, 6, 9, 3, 4, 2, 1), 4},
                new Object[] {new ConvShape(7, 9, 4, 1, 3, 2, 0), 3},
                new Object[] {new ConvShape(3, 8, 5, 4, 1, 2, 0), 2},
                // the last row and column are in no window: their gradient is 0
                new Object[] {new ConvShape(4, 8, 8, 3, 3, 2, 0), 3},
                new Object[] {new ConvShape(2, 11, 6, 3, 4, 3, 2), 2});
    }

    @ParameterizedTest
    @MethodSource("cases")
    void eachCallMatchesTheCpuBackend(ConvShape s, int rows) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.convolutions(pair, GemmPrecision.FP32, s, rows);
        }
    }

    @Test
    void convolutionsAreCountedAndRecordedWithTheirPointers() {
        ConvShape s = new ConvShape(3, 6, 5, 2, 3, 2, 1);
        int rows = 2;
        try (BackendPair pair = EmulatedPair.open()) {
            CudaBackend device = (CudaBackend) pair.device;
            Twin x = pair.uniform(rows * s.inputSize(), -1, 1), w = pair.uniform(s.weightSize(), -1, 1);
            Twin y = pair.filled(rows * s.outputSize(), Float.NaN);
            Replayable recorded = device.record(() -> device.convForward(s, x.device(), w.device(), y.device(), rows));
            DeviceCounters before = device.runtime().counters();
            recorded.replay();
            recorded.replay();
            assertEquals(2, device.runtime().counters().since(before).convolutionCalls());
            pair.reference.convForward(s, x.reference(), w.reference(), y.reference(), rows);
            pair.assertClose("a replayed forward convolution", y, GemmPrecision.FP32.tolerance(s.inChannels() * 9));
            recorded.close();
        }
    }

    /** The emulator checks what cuDNN's kernels would touch: an output past its allocation fails the call. */
    @Test
    void anArrayOutsideTheAllocationsFailsTheCall() {
        ConvShape s = new ConvShape(2, 5, 5, 3, 3, 1, 1);
        EmulatedRuntime runtime = EmulatedRuntime.open();
        long x = runtime.allocate(4L * s.inputSize()), w = runtime.allocate(4L * s.weightSize());
        long y = runtime.allocate(4L * s.outputSize() - 4);
        CudaCallException refused = assertThrows(CudaCallException.class, () -> runtime.convForward(s, 1, x, w, y));
        assertTrue(refused.getMessage().contains("outside the device allocations"), refused.getMessage());
        for (long address : new long[] {x, w, y}) {
            runtime.free(address);
        }
    }
}
