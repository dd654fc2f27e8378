package dev.vaecuda.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.backend.cpu.blas.Blas;
import dev.vaecuda.backend.cpu.blas.BlasChoice;
import dev.vaecuda.backend.cpu.blas.Blases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GemmOnlyBackendTest {
    private static final ConvShape SMALL = new ConvShape(2, 4, 4, 3, 4, 2, 1), LARGE = new ConvShape(3, 8, 8, 5, 4, 2, 1);
    private static final int CAPACITY = 4, ROWS = 3;

    /** Each convolution call of {@code shape} over ROWS images, and the channel calls between them. */
    private static void convolve(Backend backend, ConvShape shape) {
        DeviceBuffer x = backend.allocate(CAPACITY * shape.inputSize()), y = backend.allocate(CAPACITY * shape.outputSize());
        DeviceBuffer w = backend.allocate(shape.weightSize()), bias = backend.allocate(shape.outChannels());
        int spatial = shape.outHeight() * shape.outWidth();
        backend.convForward(shape, x, w, y, ROWS);
        backend.channelBiasAdd(y, bias, ROWS, shape.outChannels(), spatial, Activation.RELU);
        backend.channelActivationBackward(y, y, ROWS, shape.outChannels(), spatial, Activation.RELU, bias);
        backend.convBackwardFilter(shape, x, y, w, ROWS);
        backend.convBackwardData(shape, y, w, x, ROWS);
    }

    @Test
    void aConvolutionCostsItsGemmsAndItsChannelCallsNothing() {
        try (CpuBackend cpu = new CpuBackend(2)) {
            // every call that reaches the CPU, by name, a GEMM with its (m, n, k), an allocation with its length
            List<String> calls = new ArrayList<>();
            Backend recorder = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                    (proxy, method, args) -> {
                        calls.add(switch (method.getName()) {
                            case "gemm" -> "gemm " + args[2] + " " + args[3] + " " + args[4];
                            case "allocate" -> "allocate " + args[0];
                            default -> method.getName();
                        });
                        try {
                            return method.invoke(cpu, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            GemmOnlyBackend floor = new GemmOnlyBackend(recorder, List.of(SMALL, LARGE), CAPACITY);
            // outputs 4x4, each row taken 5 wide (the padded 10 columns' phases): 20 GEMM rows an image
            int o = 5, e = 3 * 4 * 4, n = ROWS * 20;
            // the scratch: columns e x N and maps o x N, allocated once for the largest convolution at the largest batch
            assertEquals(List.of("allocate " + e * CAPACITY * 20, "allocate " + o * CAPACITY * 20), calls);
            calls.clear();
            convolve(floor, LARGE);
            assertEquals(List.of("gemm " + o + " " + n + " " + e, "gemm " + o + " " + e + " " + n, "gemm " + e + " " + n + " " + o),
                    calls.stream().filter(call -> !call.startsWith("allocate ")).toList());
            assertEquals(3 * 2L * o * n * e, floor.flops());
        }
    }

    /** The floor's flops are those of the GEMMs the CPU backend's convolutions run. */
    @Test
    void countsTheFlopsOfTheCpuBackendsConvolutionGemms() {
        AtomicLong cpuFlops = new AtomicLong();
        Blas blas = Blases.get(BlasChoice.auto);
        Blas counting = new Blas() {
            @Override
            public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                              int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
                cpuFlops.addAndGet(2L * m * n * k);
                blas.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            }

            @Override
            public boolean concurrentCallsSafe() {
                return blas.concurrentCallsSafe();
            }

            @Override
            public String description() {
                return "counting " + blas.description();
            }
        };
        ConvShape mnist = new ConvShape(32, 14, 14, 64, 4, 2, 1), odd = new ConvShape(3, 7, 9, 4, 4, 2, 1);
        try (CpuBackend cpu = new CpuBackend(2, counting)) {
            for (ConvShape shape : List.of(SMALL, LARGE, mnist, odd)) {
                cpuFlops.set(0);
                convolve(cpu, shape);
                long convolutions = cpuFlops.get();
                GemmOnlyBackend floor = new GemmOnlyBackend(cpu, List.of(shape), CAPACITY);
                convolve(floor, shape);
                assertEquals(convolutions, floor.flops(), shape.toString());
            }
        }
    }
}
