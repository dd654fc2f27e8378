package dev.vaecuda.backend.cuda;

import dev.vaecuda.selftest.BackendPair;
import dev.vaecuda.selftest.GemmPrecision;
import dev.vaecuda.selftest.KernelChecks;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The backend's gemm over the emulator's sgemm against the CPU backend: cuBLAS's column-major semantics. */
class CudaGemmTest {

    /** (transA, transB, m, n, k): every transpose, degenerate and awkward sizes, the VAE's largest layer. */
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        int[][] sizes = {{1, 1, 1}, {1, 33, 7}, {33, 1, 7}, {5, 6, 1}, {400, 128, 784}, {784, 129, 400}};
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (int[] size : sizes) {
                    cases.add(Arguments.of(transA, transB, size[0], size[1], size[2]));
                }
            }
        }
        return cases.build();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheReference(boolean transA, boolean transB, int m, int n, int k) {
        try (BackendPair pair = EmulatedPair.open()) {
            KernelChecks.gemm(pair, GemmPrecision.FP32, transA, transB, m, n, k);
        }
    }
}
