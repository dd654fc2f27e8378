package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.DeviceCounters;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.Philox;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The emulator itself: Philox bit for bit, traffic counters, and the faults it reports. */
class EmulatedRuntimeTest {

    @Test
    void philoxOutputsAreTheJavaSpecificationsBitForBit() throws Throwable {
        MethodHandle philox = Linker.nativeLinker().downcallHandle(
                EmulatorLibrary.load().symbols.find("emu_philox4x32_10").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
        Random random = new Random(7);
        Philox.Blocks one = new Philox.Blocks(1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT, 4);
            for (int trial = 0; trial < 10_000; trial++) {
                // full 64-bit seeds and steps, negative streams, block indices past 2^31
                long seed = random.nextLong(), step = trial < 5 ? trial : random.nextLong();
                int stream = random.nextInt(), block = random.nextInt();
                philox.invokeExact(seed, stream, step, block, out);
                assertArrayEquals(one.compute(seed, stream, step, block, 1), out.toArray(JAVA_INT), "seed " + seed + " stream " + stream
                        + " step " + step + " block " + block);
            }
        }
    }

    @Test
    void countsLaunchesGemmsAndTraffic() {
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            DeviceBuffer x = backend.allocate(1000), out = backend.allocate(1000);
            backend.runtime().resetCounters();
            backend.upload(new float[1000], x);
            backend.sigmoid(x, out, 1000);
            backend.gemm(false, false, 10, 10, 10, 1f, x, 10, x, 10, 0f, out, 10);
            backend.download(out, new float[250]);
            assertEquals(new DeviceCounters(1, 1, 0, 4000, 1000), backend.runtime().counters());
        }
    }

    @Test
    void freshBuffersAreZeroThoughEmulatedMemoryStartsAsNaN() {
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            float[] values = new float[333];
            backend.download(backend.allocate(333), values);
            assertArrayEquals(new float[333], values);
        }
    }

    @Test
    void reportsAKernelThatWritesPastItsBuffer() {
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            CudaBuffer small = (CudaBuffer) backend.allocate(4);
            // CudaBackend would refuse n = 20 for a 4-float buffer, so go around it
            CudaCallException e = assertThrows(CudaCallException.class, () -> backend.runtime()
                    .launch(Kernels.SIGMOID, LaunchGeometry.linear(1, 32), small, small, 20));
            assertTrue(e.getMessage().startsWith("emu_launch(sigmoid) failed: sigmoid wrote outside"), e.getMessage());
        }
    }

    @Test
    void refusesCopiesOutsideTheAllocations() {
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            CudaBuffer small = (CudaBuffer) backend.allocate(4);
            CudaCallException e = assertThrows(CudaCallException.class,
                    () -> backend.runtime().copyToDevice(new float[5], small.address()));
            assertTrue(e.getMessage().startsWith("emu_memcpy failed: copy of 20 bytes outside"), e.getMessage());
        }
    }

    @Test
    void refusesArgumentsOfTheWrongType() {
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            CudaBuffer x = (CudaBuffer) backend.allocate(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.runtime()
                    .launch(Kernels.SIGMOID, LaunchGeometry.linear(1, 32), x, x, 4L));
            assertEquals("sigmoid parameter 2 is INT (a Integer), got Long", e.getMessage());
        }
    }

    @Test
    void refusesBuffersTooSmallForTheSizesGiven() {
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            DeviceBuffer y = backend.allocate(10), bias = backend.allocate(5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.biasAdd(y, bias, 3, 5, Activation.IDENTITY));
            assertEquals("biasAdd y needs 15 floats, its buffer has 10", e.getMessage());
        }
    }
}
