package dev.vaecuda.backend.cuda.fake;

import static dev.vaecuda.backend.cuda.fake.FakeCuda.CUDA_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.ForwardingBackend;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.selftest.BackendPair;
import dev.vaecuda.selftest.KernelChecks;
import dev.vaecuda.selftest.MismatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutants of the shipped PTX, made in its text (no nvcc), run by the fake driver's PTX engine
 * (FAKE_CUDA_ENGINE=ptx): the kernel checks that `selftest` runs on a GPU (KernelChecks) must pass
 * on the shipped PTX, with the .approx instructions exact or off by their documented maximum
 * error either way, and fail on each mutant. The device of each check is a CPU backend whose
 * sigmoid and biasAdd run the kernel of the given PTX on the fake driver (cuModuleLoadData,
 * cuLaunchKernel with 256 threads a block, as CudaBackend, and a block per 256 elements: one element
 * a thread).
 * <ul>
 * <li>{@code expf-range-reduction-unfused}: in {@code sigmoid}, libdevice's expf computes x log2(e)
 * - j with one fma.rn.f32 (exact product, one rounding); made a mul.rn.f32 and an add.rn.f32, the
 * product is rounded first, which loses up to 2^-19 of the exponent for |x| log2(e) in [32, 64),
 * 22 u relative in e^x: outside KernelChecks.SIGMOID's 16 u (the guide's 2 ulps of expf and the
 * roundings around it, doubled), for about 1 in 30 inputs in [-30, 30].</li>
 * <li>{@code activation-branch-inverted}: in {@code bias_add}, {@code @%p bra} on activation == RELU
 * made {@code @!%p bra}: ReLU runs as the identity, the identity as ReLU (KernelChecks.biasAdd,
 * exact for both).</li>
 * </ul>
 */
class PtxKernelMutantsTest {
    private static final int THREADS_PER_BLOCK = 256;
    private static final String SHIPPED;

    static {
        try {
            SHIPPED = Files.readString(FakeCuda.SHIPPED_PTX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FakeCuda cuda;

    @AfterEach
    void defaultEngine() {
        if (cuda != null) {
            cuda.unsetenv("FAKE_CUDA_ENGINE");
            cuda.unsetenv("FAKE_CUDA_APPROX");
            cuda.call("fake_cuda_reset");
        }
    }

    /** The fake driver, reset, on the PTX engine with approximations {@code approx}, and the module of {@code ptx}. */
    private MemorySegment load(String ptx, String approx) {
        cuda = FakeCuda.fresh();
        cuda.setenv("FAKE_CUDA_ENGINE", "ptx");
        cuda.setenv("FAKE_CUDA_APPROX", approx);
        cuda.initWithContext();
        return cuda.loadModule(ptx, CUDA_SUCCESS);
    }

    /** A CPU backend whose sigmoid and biasAdd are the kernels of a PTX module on the fake driver. */
    private final class PtxKernels extends ForwardingBackend {
        private final MemorySegment sigmoid, biasAdd, stream;

        PtxKernels(MemorySegment module) {
            super(new CpuBackend(1));
            sigmoid = cuda.function(module, "sigmoid");
            biasAdd = cuda.function(module, "bias_add");
            stream = cuda.stream();
        }

        private long toDevice(DeviceBuffer buffer, int n) {
            float[] values = new float[n];
            download(buffer.slice(0, n), values);
            long pointer = cuda.alloc(4L * n);
            cuda.upload(pointer, values);
            return pointer;
        }

        private void fromDevice(long pointer, DeviceBuffer buffer, int n) {
            upload(cuda.download(pointer, n), buffer.slice(0, n));
        }

        private void launch(MemorySegment function, int work, Object... params) {
            int blocks = (work + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK;
            assertEquals(CUDA_SUCCESS, cuda.launch(function, blocks, THREADS_PER_BLOCK, stream, params));
            assertEquals(CUDA_SUCCESS, cuda.call("cuStreamSynchronize", stream), "the kernel faulted");
        }

        private void free(long... pointers) {
            for (long pointer : pointers) {
                assertEquals(CUDA_SUCCESS, cuda.call("cuMemFree_v2", pointer));
            }
        }

        @Override
        public void sigmoid(DeviceBuffer x, DeviceBuffer out, int n) {
            long dx = toDevice(x, n), dOut = cuda.alloc(4L * n);
            launch(sigmoid, n, dx, dOut, n);
            fromDevice(dOut, out, n);
            free(dx, dOut);
        }

        @Override
        public void biasAdd(DeviceBuffer y, DeviceBuffer bias, int rows, int cols, Activation activation) {
            int n = rows * cols;
            long dy = toDevice(y, n), dBias = toDevice(bias, cols);
            launch(biasAdd, n, dy, dBias, rows, cols, activation.kernelCode());
            fromDevice(dy, y, n);
            free(dy, dBias);
        }
    }

    /** The checks of sigmoid and bias_add that `selftest` runs, with the kernels of {@code module}. */
    private void check(MemorySegment module, Consumer<BackendPair> check) {
        try (BackendPair pair = new BackendPair(new PtxKernels(module), new CpuBackend(1), new SplittableRandom().nextLong())) {
            check.accept(pair);
        }
    }

    private static final Consumer<BackendPair> SIGMOID_CHECK = pair -> KernelChecks.sigmoid(pair, 10_007);
    private static final Consumer<BackendPair> BIAS_ADD_CHECK = pair -> KernelChecks.biasAdd(pair, 67, 400);

    @ParameterizedTest
    @ValueSource(strings = {"exact", "worst", "worst-down"})
    void shippedPtxPassesTheChecks(String approx) {
        MemorySegment module = load(SHIPPED, approx);
        check(module, SIGMOID_CHECK);
        check(module, BIAS_ADD_CHECK);
    }

    @Test
    void expfRangeReductionUnfusedFailsTheSigmoidCheck() {
        String mutant = expfRangeReductionUnfused(SHIPPED);
        MismatchException caught = assertThrows(MismatchException.class, () -> check(load(mutant, "exact"), SIGMOID_CHECK));
        assertTrue(caught.getMessage().startsWith("sigmoid"), caught.getMessage());
    }

    @Test
    void activationBranchInvertedFailsTheBiasAddCheck() {
        String mutant = activationBranchInverted(SHIPPED);
        MismatchException caught = assertThrows(MismatchException.class, () -> check(load(mutant, "exact"), BIAS_ADD_CHECK));
        assertTrue(caught.getMessage().startsWith("biasAdd"), caught.getMessage());
    }

    /** The text of entry {@code name}: from its .entry line to the closing brace at the start of a line. */
    private static int[] entry(String ptx, String name) {
        int start = ptx.indexOf(".entry " + name + "(");
        assertTrue(start >= 0, "no entry " + name + " in the PTX");
        int end = ptx.indexOf("\n}\n", start);
        assertTrue(end >= 0, "entry " + name + " has no closing brace");
        return new int[] {start, end};
    }

    /** {@code ptx} with the first match of {@code pattern} inside entry {@code name} replaced by {@code replacement(match)}. */
    private static String mutate(String ptx, String name, Pattern pattern, java.util.function.Function<Matcher, String> replacement) {
        int[] bounds = entry(ptx, name);
        Matcher matcher = pattern.matcher(ptx).region(bounds[0], bounds[1]);
        assertTrue(matcher.find(), "entry " + name + " has no match of " + pattern + ": the PTX changed, choose the mutant again");
        String mutant = ptx.substring(0, matcher.start()) + replacement.apply(matcher) + ptx.substring(matcher.end());
        assertNotEquals(ptx, mutant);
        return mutant;
    }

    /**
     * sigmoid's first (remainder loop) {@code fma.rn.f32 %fD, %fA, %fK, %fC} with %fK = log2(e)'s
     * high part (0f3FB8AA3B): x log2(e) - j, made {@code mul.rn.f32 %fD, %fA, %fK; add.rn.f32 %fD,
     * %fD, %fC} (valid: %fD is not %fC). With one element per thread, every thread runs that loop once.
     */
    static String expfRangeReductionUnfused(String ptx) {
        Pattern fma = Pattern.compile("(mov\\.f32\\s+(%f\\d+), 0f3FB8AA3B;\\s*\\n\\s*)fma\\.rn\\.f32\\s+(%f\\d+), (%f\\d+), \\2, (%f\\d+);");
        return mutate(ptx, "sigmoid", fma, m -> {
            String d = m.group(3), a = m.group(4), k = m.group(2), c = m.group(5);
            assertNotEquals(d, c, "the destination is the addend: mul would overwrite it");
            return m.group(1) + "mul.rn.f32 \t" + d + ", " + a + ", " + k + ";\n\tadd.rn.f32 \t" + d + ", " + d + ", " + c + ";";
        });
    }

    /** bias_add's {@code setp.eq.s32 %p, activation, 1; @%p bra} (activation == RELU) made {@code @!%p bra}. */
    static String activationBranchInverted(String ptx) {
        int[] bounds = entry(ptx, "bias_add");
        Matcher activation = Pattern.compile("ld\\.param\\.u32\\s+(%r\\d+), \\[bias_add_param_4\\];")
                .matcher(ptx).region(bounds[0], bounds[1]);
        assertTrue(activation.find(), "bias_add does not load its activation parameter");
        Pattern branch = Pattern.compile("(setp\\.eq\\.s32\\s+(%p\\d+), " + Pattern.quote(activation.group(1))
                + ", 1;\\s*\\n\\s*)@(%p\\d+) bra");
        return mutate(ptx, "bias_add", branch, m -> {
            assertEquals(m.group(2), m.group(3));
            return m.group(1) + "@!" + m.group(3) + " bra";
        });
    }

    @Test
    void eachMutantChangesOneInstruction() {
        String fma = expfRangeReductionUnfused(SHIPPED);
        assertEquals(SHIPPED.split("\n").length + 1, fma.split("\n").length, "one fma made a mul and an add");
        assertEquals(count(SHIPPED, "fma.rn.f32") - 1, count(fma, "fma.rn.f32"));
        String branch = activationBranchInverted(SHIPPED);
        assertEquals(SHIPPED.length() + 1, branch.length(), "one '!' added");
        assertEquals(1, count(branch, "@!%p"));
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }
}
