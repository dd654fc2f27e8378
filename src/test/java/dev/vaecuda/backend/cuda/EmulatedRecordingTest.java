package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.Replayable;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The emulator's recording refuses what stream capture forbids, as the driver does: the call fails and so does the capture. */
class EmulatedRecordingTest {

    /** A call made while recording, given an allocation made before it. */
    record Forbidden(String name, BiConsumer<CudaRuntime, Long> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Forbidden> forbiddenWhileRecording() {
        return Stream.of(
                new Forbidden("allocate", (runtime, address) -> runtime.allocate(64)),
                new Forbidden("free", CudaRuntime::free),
                new Forbidden("synchronize", (runtime, address) -> runtime.synchronize()),
                new Forbidden("copy to the device", (runtime, address) -> runtime.copyToDevice(new float[1], address)),
                new Forbidden("copy to the host", (runtime, address) -> runtime.copyToHost(address, new float[1])));
    }

    @ParameterizedTest
    @MethodSource("forbiddenWhileRecording")
    void aForbiddenCallFailsAndInvalidatesTheRecording(Forbidden forbidden) {
        EmulatedRuntime runtime = EmulatedRuntime.open();
        long address = runtime.allocate(64);
        runtime.beginRecording();
        CudaCallException refused = assertThrows(CudaCallException.class, () -> forbidden.call().accept(runtime, address));
        assertTrue(refused.getMessage().contains("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"), refused.getMessage());
        CudaCallException ended = assertThrows(CudaCallException.class, runtime::endRecording);
        assertTrue(ended.getMessage().contains("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"), ended.getMessage());
        runtime.free(address);
    }

    @Test
    void aCleanRecordingReplaysAndCountsItsWorkAtEachReplay() {
        try (CudaBackend backend = new CudaBackend(EmulatedRuntime.open())) {
            DeviceBuffer x = backend.allocate(100), out = backend.allocate(100);
            Replayable recorded = backend.record(() -> backend.sigmoid(x, out, 100));
            backend.runtime().resetCounters();
            recorded.replay();
            recorded.replay();
            assertEquals(2, backend.runtime().counters().kernelLaunches());
            recorded.close();
        }
    }
}
