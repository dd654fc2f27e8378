package dev.vaecuda.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.ForwardingBackend;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmOnlyBackendTest {
    /** Records each GEMM's (m, n, k) on its way to the CPU; a convolution or channel call reaching it fails. */
    private static final class GemmRecorder extends ForwardingBackend {
        final List<List<Integer>> shapes = new ArrayList<>();

        GemmRecorder(Backend delegate) {
            super(delegate);
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, int lda,
                         DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
            shapes.add(List.of(m, n, k));
            super.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }

        @Override
        public void convForward(ConvShape shape, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y, int rows) {
            throw new AssertionError("convForward reached the backend");
        }

        @Override
        public void convBackwardData(ConvShape shape, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, int rows) {
            throw new AssertionError("convBackwardData reached the backend");
        }

        @Override
        public void convBackwardFilter(ConvShape shape, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, int rows) {
            throw new AssertionError("convBackwardFilter reached the backend");
        }

        @Override
        public void channelBiasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int channels, int spatial,
                                   Activation activation) {
            throw new AssertionError("channelBiasAdd reached the backend");
        }

        @Override
        public void channelActivationBackward(DeviceBuffer dy, DeviceBuffer y, int rows, int channels, int spatial,
                                              Activation activation, DeviceBuffer dBias) {
            throw new AssertionError("channelActivationBackward reached the backend");
        }
    }

    @Test
    void aConvolutionCostsTheGemmsOfItsIm2colFormulationAndItsChannelCallsNothing() {
        ConvShape small = new ConvShape(2, 4, 4, 3, 4, 2, 1), large = new ConvShape(3, 8, 8, 5, 4, 2, 1);
        int capacity = 4, rows = 3;
        try (CpuBackend cpu = new CpuBackend(2)) {
            GemmRecorder recorder = new GemmRecorder(cpu);
            // the scratch is sized for the largest convolution at the largest batch, once
            GemmOnlyBackend floor = new GemmOnlyBackend(recorder, List.of(small, large), capacity);
            DeviceBuffer x = cpu.allocate(capacity * large.inputSize()), y = cpu.allocate(capacity * large.outputSize());
            DeviceBuffer w = cpu.allocate(large.weightSize()), bias = cpu.allocate(large.outChannels());
            floor.convForward(large, x, w, y, rows);
            floor.channelBiasAdd(y, bias, rows, large.outChannels(), 16, Activation.RELU);
            floor.channelActivationBackward(y, y, rows, large.outChannels(), 16, Activation.RELU, bias);
            floor.convBackwardFilter(large, x, y, w, rows);
            floor.convBackwardData(large, y, w, x, rows);
            int o = 5, e = 3 * 4 * 4, n = rows * 4 * 4;
            assertEquals(List.of(List.of(o, n, e), List.of(o, e, n), List.of(e, n, o)), recorder.shapes);
            assertEquals(3 * 2L * o * n * e, floor.flops());
        }
    }
}
