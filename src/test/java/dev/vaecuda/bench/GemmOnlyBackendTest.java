package dev.vaecuda.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmOnlyBackendTest {
    @Test
    void aConvolutionCostsTheGemmsOfItsIm2colFormulationAndItsChannelCallsNothing() {
        ConvShape small = new ConvShape(2, 4, 4, 3, 4, 2, 1), large = new ConvShape(3, 8, 8, 5, 4, 2, 1);
        int capacity = 4, rows = 3;
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
            GemmOnlyBackend floor = new GemmOnlyBackend(recorder, List.of(small, large), capacity);
            DeviceBuffer x = cpu.allocate(capacity * large.inputSize()), y = cpu.allocate(capacity * large.outputSize());
            DeviceBuffer w = cpu.allocate(large.weightSize()), bias = cpu.allocate(large.outChannels());
            floor.convForward(large, x, w, y, rows);
            floor.channelBiasAdd(y, bias, rows, large.outChannels(), 16, Activation.RELU);
            floor.channelActivationBackward(y, y, rows, large.outChannels(), 16, Activation.RELU, bias);
            floor.convBackwardFilter(large, x, y, w, rows);
            floor.convBackwardData(large, y, w, x, rows);
            int o = 5, e = 3 * 4 * 4, n = rows * 4 * 4;
            // the scratch allocated once, for the largest convolution at the largest batch: columns e x N, maps o x N
            assertEquals(List.of("allocate " + e * capacity * 16, "allocate " + o * capacity * 16, "gemm " + o + " " + n + " " + e, "gemm " + o + " " + e + " " + n,
                    "gemm " + e + " " + n + " " + o), calls);
            assertEquals(3 * 2L * o * n * e, floor.flops());
        }
    }
}
