package dev.vaecuda.backend.cuda.fake;

import static dev.vaecuda.backend.cuda.fake.FakeCuda.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each rule of the fake driver's PTX interpreter (FAKE_CUDA_ENGINE=ptx, the default), shown by a
 * small hand-written PTX kernel run through the driver as a GPU runs it: each instruction as the
 * PTX ISA defines it (bits compared where the ISA's result is exact, inputs drawn at random), the
 * threads of a block stepping together between bar.sync, blocks in a shuffled order, and the
 * faults a GPU reports. Every kernel here assembles with {@code ptxas -arch=sm_75}.
 */
class FakePtxInterpreterRulesTest {
    private static final int N = 256;
    private static final int BLOCK = 64;
    private static final int SIGN = 0x8000_0000;
    private static final int MANTISSA = 0x007F_FFFF;

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private FakeCuda cuda;
    private boolean initialized;  // by run: the tests that launch the elementwise kernel only

    @BeforeEach
    void freshDriver() {
        cuda = FakeCuda.fresh();
    }

    // ---- the elementwise kernel most rules use -------------------------------------------------

    /** Where an element's result goes, from which register of the body. */
    private enum Out {
        F32("st.global.f32", "%f9", 4), B32("st.global.u32", "%r9", 4), B64("st.global.u64", "%rd9", 8);

        final String store, register;
        final int bytes;

        Out(String store, String register, int bytes) {
            this.store = store;
            this.register = register;
            this.bytes = bytes;
        }
    }

    /**
     * out[i] = BODY(a[i], b[i], c[i]) for i < n, one thread an element: BODY reads the inputs as
     * %f1, %f2, %f3 (.f32) and %r1, %r2, %r3 (.b32, the same bits) and leaves its result in %f9,
     * %r9 or %rd9 (Out).
     */
    private static final String ELEMENTWISE = """
            .visible .entry elementwise(
                .param .u64 elementwise_param_0,
                .param .u64 elementwise_param_1,
                .param .u64 elementwise_param_2,
                .param .u64 elementwise_param_3,
                .param .u32 elementwise_param_4
            )
            {
                .reg .pred %p<8>;
                .reg .b32 %r<20>;
                .reg .f32 %f<10>;
                .reg .b64 %rd<20>;

                mov.u32 %r10, %ctaid.x;
                mov.u32 %r11, %ntid.x;
                mov.u32 %r12, %tid.x;
                mad.lo.s32 %r13, %r10, %r11, %r12;
                ld.param.u32 %r14, [elementwise_param_4];
                setp.ge.u32 %p7, %r13, %r14;
                @%p7 bra $L__BB0_2;
                mul.wide.u32 %rd12, %r13, 4;
                ld.param.u64 %rd10, [elementwise_param_1];
                cvta.to.global.u64 %rd11, %rd10;
                add.s64 %rd13, %rd11, %rd12;
                ld.global.f32 %f1, [%rd13];
                ld.global.u32 %r1, [%rd13];
                ld.param.u64 %rd10, [elementwise_param_2];
                cvta.to.global.u64 %rd11, %rd10;
                add.s64 %rd13, %rd11, %rd12;
                ld.global.f32 %f2, [%rd13];
                ld.global.u32 %r2, [%rd13];
                ld.param.u64 %rd10, [elementwise_param_3];
                cvta.to.global.u64 %rd11, %rd10;
                add.s64 %rd13, %rd11, %rd12;
                ld.global.f32 %f3, [%rd13];
                ld.global.u32 %r3, [%rd13];
            BODY
                ld.param.u64 %rd10, [elementwise_param_0];
                cvta.to.global.u64 %rd11, %rd10;
                mul.wide.u32 %rd12, %r13, OUT_BYTES;
                add.s64 %rd13, %rd11, %rd12;
                OUT_STORE [%rd13], OUT_REGISTER;
            $L__BB0_2:
                ret;
            }
            """;

    static String elementwiseModule(String body, Out out) {
        return ptxModule(ELEMENTWISE.replace("BODY", body.strip().indent(4).stripTrailing())
                .replace("OUT_BYTES", Integer.toString(out.bytes)).replace("OUT_STORE", out.store)
                .replace("OUT_REGISTER", out.register));
    }

    /** The function named name of the PTX module text, loaded into the current context. */
    private MemorySegment kernel(String module, String name) {
        return cuda.function(cuda.loadModule(module, CUDA_SUCCESS), name);
    }

    /** Runs the elementwise kernel with body over inputs (bits; b and c default to a); each result's raw 64 bits. */
    private long[] run(String body, Out out, int[] a, int[] b, int[] c) {
        if (!initialized) {
            cuda.initWithContext();
            initialized = true;
        }
        int n = a.length;
        MemorySegment elementwise = kernel(elementwiseModule(body, out), "elementwise");
        long result = cuda.alloc((long) out.bytes * n);
        assertEquals(CUDA_SUCCESS, cuda.launch(elementwise, (n + BLOCK - 1) / BLOCK, BLOCK, MemorySegment.NULL, result,
                cuda.uploadInts(a), cuda.uploadInts(b), cuda.uploadInts(c), n));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"), "the kernel faulted");
        return out == Out.B64 ? cuda.downloadLongs(result, n)
                : Arrays.stream(cuda.downloadInts(result, n)).asLongStream().toArray();
    }

    private int[] run32(String body, Out out, int[] a, int[] b, int[] c) {
        return Arrays.stream(run(body, out, a, b, c)).mapToInt(v -> (int) v).toArray();
    }

    private int[] run32(String body, Out out, int[] a, int[] b) {
        return run32(body, out, a, b, a);
    }

    private int[] run32(String body, Out out, int[] a) {
        return run32(body, out, a, a, a);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private String at(int i, float... inputs) {
        StringBuilder what = new StringBuilder("element " + i + " (seed " + seed + ") of inputs");
        for (float input : inputs) {
            what.append(' ').append(describe(input));
        }
        return what.toString();
    }

    private static String describe(float value) {
        return value + " [0x" + Integer.toHexString(Float.floatToRawIntBits(value)) + "]";
    }

    /** Asserts the float result's bits, saying which inputs gave it. */
    private void assertBits(float expected, int actualBits, String where) {
        assertEquals(Float.floatToRawIntBits(expected), actualBits,
                () -> where + ": expected " + describe(expected) + ", got " + describe(Float.intBitsToFloat(actualBits)));
    }

    // ---- random inputs -------------------------------------------------------------------------

    /** A normal float of either sign, magnitude in [2^-scale, 2^scale). */
    private float ordinary(int scale) {
        double magnitude = (1 + random.nextDouble()) * Math.scalb(1.0, random.nextInt(-scale, scale));
        return (float) (random.nextBoolean() ? magnitude : -magnitude);
    }

    private float subnormal() {
        return Float.intBitsToFloat(random.nextInt(1, MANTISSA + 1) | (random.nextBoolean() ? SIGN : 0));
    }

    private float nan() {
        return Float.intBitsToFloat(0x7F80_0000 | random.nextInt(1, MANTISSA + 1) | (random.nextBoolean() ? SIGN : 0));
    }

    /** The float of the exact value, rounded down (toward minus infinity); exact must be within the finite floats. */
    private static float roundDown(BigDecimal exact) {
        float f = exact.floatValue();
        while (new BigDecimal(f).compareTo(exact) > 0) {
            f = Math.nextDown(f);
        }
        while (new BigDecimal(Math.nextUp(f)).compareTo(exact) <= 0) {
            f = Math.nextUp(f);
        }
        return f;
    }

    private static float roundTowardZero(BigDecimal exact) {
        return exact.signum() >= 0 ? roundDown(exact) : -roundDown(exact.negate());
    }

    // ---- rounding ------------------------------------------------------------------------------

    @Test
    void fmaRnRoundsTheExactProductPlusAddendOnce() {
        float[][] abc = fmaDiffersFromMulThenAdd();
        int[] result = run32("fma.rn.f32 %f9, %f1, %f2, %f3;", Out.F32, bits(abc[0]), bits(abc[1]), bits(abc[2]));
        for (int i = 0; i < N; i++) {
            assertBits(Math.fma(abc[0][i], abc[1][i], abc[2][i]), result[i], at(i, abc[0][i], abc[1][i], abc[2][i]));
        }
    }

    @Test
    void mulRnThenAddRnRoundTwice() {
        float[][] abc = fmaDiffersFromMulThenAdd();
        int[] result = run32("""
                mul.rn.f32 %f4, %f1, %f2;
                add.rn.f32 %f9, %f4, %f3;
                """, Out.F32, bits(abc[0]), bits(abc[1]), bits(abc[2]));
        for (int i = 0; i < N; i++) {
            float product = abc[0][i] * abc[1][i];
            assertBits(product + abc[2][i], result[i], at(i, abc[0][i], abc[1][i], abc[2][i]));
        }
    }

    /** a, b, c where one rounding (fma) and two (a * b, then + c) give different floats. */
    private float[][] fmaDiffersFromMulThenAdd() {
        float[][] abc = new float[3][N];
        for (int i = 0; i < N; ) {
            float a = ordinary(8), b = ordinary(8);
            // minus the rounded product leaves fma the product's rounding error, mul then add 0
            float c = random.nextBoolean() ? -(a * b) : ordinary(16);
            if (Math.fma(a, b, c) != a * b + c) {
                abc[0][i] = a;
                abc[1][i] = b;
                abc[2][i++] = c;
            }
        }
        return abc;
    }

    @Test
    void addRzRoundsTowardZero() {
        float[] a = new float[N], b = new float[N];
        for (int i = 0; i < N; i++) {
            do {
                a[i] = ordinary(20);
                b[i] = ordinary(20);
            } while (a[i] + b[i] == 0);
        }
        int[] result = run32("add.rz.f32 %f9, %f1, %f2;", Out.F32, bits(a), bits(b));
        int differFromNearest = 0;
        for (int i = 0; i < N; i++) {
            float expected = roundTowardZero(new BigDecimal(a[i]).add(new BigDecimal(b[i])));
            assertBits(expected, result[i], at(i, a[i], b[i]));
            differFromNearest += expected != a[i] + b[i] ? 1 : 0;
        }
        assertTrue(differFromNearest > N / 8, "the sample tells .rz from .rn");
    }

    @Test
    void fmaRmRoundsTowardMinusInfinity() {
        float[] a = new float[N], b = new float[N], c = new float[N];
        for (int i = 0; i < N; i++) {
            do {
                a[i] = ordinary(10);
                b[i] = ordinary(10);
                c[i] = ordinary(20);
            } while (Math.fma(a[i], b[i], c[i]) == 0);
        }
        int[] result = run32("fma.rm.f32 %f9, %f1, %f2, %f3;", Out.F32, bits(a), bits(b), bits(c));
        int differFromNearest = 0;
        for (int i = 0; i < N; i++) {
            BigDecimal exact = new BigDecimal(a[i]).multiply(new BigDecimal(b[i])).add(new BigDecimal(c[i]));
            float expected = roundDown(exact);
            assertBits(expected, result[i], at(i, a[i], b[i], c[i]));
            differFromNearest += expected != Math.fma(a[i], b[i], c[i]) ? 1 : 0;
        }
        assertTrue(differFromNearest > N / 8, "the sample tells .rm from .rn");
    }

    // ---- subnormals and .ftz -------------------------------------------------------------------

    private float[] subnormals() {
        float[] s = new float[N];
        for (int i = 0; i < N; i++) {
            s[i] = subnormal();
        }
        return s;
    }

    @Test
    void ftzFlushesASubnormalInputToZeroOfItsSign() {
        float[] s = subnormals();
        int[] result = run32("mul.rn.ftz.f32 %f9, %f1, 0f3F800000;", Out.F32, bits(s));
        for (int i = 0; i < N; i++) {
            assertBits(Math.copySign(0f, s[i]), result[i], at(i, s[i]) + " times 1");
        }
    }

    @Test
    void withoutFtzASubnormalInputIsKept() {
        float[] s = subnormals();
        int[] result = run32("mul.rn.f32 %f9, %f1, 0f3F800000;", Out.F32, bits(s));
        for (int i = 0; i < N; i++) {
            assertBits(s[i], result[i], at(i, s[i]) + " times 1");
        }
    }

    /** The PTX ISA's example; 2^subnormal rounds to 1 without .ftz too, so the rcp test below is the one that tells .ftz apart. */
    @Test
    void ex2ApproxFtzOfASubnormalInputIsOne() {
        float[] s = subnormals();
        int[] result = run32("ex2.approx.ftz.f32 %f9, %f1;", Out.F32, bits(s));
        for (int i = 0; i < N; i++) {
            assertBits(1f, result[i], at(i, s[i]));
        }
    }

    /** 1 / x of a subnormal x in [2^-128, 2^-126) is finite; flushed to a signed zero first, it is an infinity. */
    @Test
    void rcpApproxFtzOfASubnormalInputIsTheInfinityOfItsSign() {
        float[] s = new float[N];
        for (int i = 0; i < N; i++) {
            s[i] = Float.intBitsToFloat(random.nextInt(0x0020_0000, MANTISSA + 1) | (random.nextBoolean() ? SIGN : 0));
        }
        int[] flushed = run32("rcp.approx.ftz.f32 %f9, %f1;", Out.F32, bits(s));
        int[] kept = run32("rcp.approx.f32 %f9, %f1;", Out.F32, bits(s));
        for (int i = 0; i < N; i++) {
            assertBits(Math.copySign(Float.POSITIVE_INFINITY, s[i]), flushed[i], at(i, s[i]) + " with .ftz");
            assertBits((float) (1.0 / s[i]), kept[i], at(i, s[i]) + " without .ftz");
        }
    }

    /** Normal a and b whose rounded product is subnormal (and not zero). */
    private float[][] subnormalProducts() {
        float[][] ab = new float[2][N];
        for (int i = 0; i < N; ) {
            float a = ordinary(4) * 0x1p-64f;
            float b = (float) ((1 + random.nextDouble()) * Math.scalb(1.0, random.nextInt(-80, -60)) * Math.signum(ordinary(1)));
            float product = a * b;
            if (product != 0 && Math.abs(product) < Float.MIN_NORMAL) {
                ab[0][i] = a;
                ab[1][i++] = b;
            }
        }
        return ab;
    }

    @Test
    void ftzFlushesASubnormalResultToZeroOfItsSign() {
        float[][] ab = subnormalProducts();
        int[] result = run32("mul.rn.ftz.f32 %f9, %f1, %f2;", Out.F32, bits(ab[0]), bits(ab[1]));
        for (int i = 0; i < N; i++) {
            assertBits(Math.copySign(0f, ab[0][i] * ab[1][i]), result[i], at(i, ab[0][i], ab[1][i]));
        }
    }

    @Test
    void withoutFtzASubnormalResultIsKept() {
        float[][] ab = subnormalProducts();
        int[] result = run32("mul.rn.f32 %f9, %f1, %f2;", Out.F32, bits(ab[0]), bits(ab[1]));
        for (int i = 0; i < N; i++) {
            assertBits(ab[0][i] * ab[1][i], result[i], at(i, ab[0][i], ab[1][i]));
        }
    }

    // ---- conversions ---------------------------------------------------------------------------

    @Test
    void cvtSatClampsToZeroOneAndTakesNaNToZero() {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = switch (i % 8) {
                case 0 -> nan();
                case 1 -> i % 16 == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                case 2 -> random.nextFloat();
                case 3 -> i % 16 == 3 ? 0f : 1f;
                default -> random.nextFloat() * 6 - 3;
            };
        }
        int[] result = run32("cvt.sat.f32.f32 %f9, %f1;", Out.F32, bits(x));
        for (int i = 0; i < N; i++) {
            float expected = Float.isNaN(x[i]) ? 0f : Math.min(1f, Math.max(0f, x[i]));
            assertBits(expected, result[i], at(i, x[i]));
        }
    }

    /** Floats around the integers: halves (ties), fractions, beyond the int range, infinities, NaNs. */
    private float[] toIntegerInputs() {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = switch (i % 8) {
                case 0 -> random.nextInt(-1000, 1000) + 0.5f;
                case 1 -> random.nextFloat() * 2e6f - 1e6f;
                case 2 -> random.nextFloat() * 8 - 4;
                case 3 -> (random.nextBoolean() ? 1 : -1) * (float) Math.scalb(1 + random.nextDouble(), random.nextInt(31, 60));
                case 4 -> i % 16 == 4 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                case 5 -> nan();
                case 6 -> i % 16 == 6 ? 0x1p31f : -0x1p31f;
                default -> (float) random.nextInt();
            };
        }
        return x;
    }

    @Test
    void cvtRniS32RoundsToNearestEvenSaturatesAndTakesNaNToZero() {
        float[] x = toIntegerInputs();
        int[] result = run32("cvt.rni.s32.f32 %r9, %f1;", Out.B32, bits(x));
        for (int i = 0; i < N; i++) {
            int expected = (int) Math.rint(x[i]);  // Java's cast saturates and takes NaN to 0, as cvt does
            assertEquals(expected, result[i], at(i, x[i]));
        }
    }

    @Test
    void cvtRziS32RoundsTowardZeroSaturatesAndTakesNaNToZero() {
        float[] x = toIntegerInputs();
        int[] result = run32("cvt.rzi.s32.f32 %r9, %f1;", Out.B32, bits(x));
        for (int i = 0; i < N; i++) {
            assertEquals((int) x[i], result[i], at(i, x[i]));
        }
    }

    // ---- integers ------------------------------------------------------------------------------

    /** Ints over the whole range, half of them near the ends so sums and products overflow. */
    private int[] wideInts() {
        return IntStream.range(0, N).map(i -> i % 2 == 0 ? random.nextInt()
                : (random.nextBoolean() ? Integer.MAX_VALUE - random.nextInt(1000) : Integer.MIN_VALUE + random.nextInt(1000)))
                .toArray();
    }

    @Test
    void addS32WrapsAround() {
        int[] a = wideInts(), b = wideInts();
        int[] result = run32("add.s32 %r9, %r1, %r2;", Out.B32, a, b);
        for (int i = 0; i < N; i++) {
            assertEquals(a[i] + b[i], result[i], "element " + i + ": " + a[i] + " + " + b[i] + " (seed " + seed + ")");
        }
    }

    @Test
    void mulLoS32KeepsTheLow32BitsOfTheProduct() {
        int[] a = wideInts(), b = wideInts();
        int[] result = run32("mul.lo.s32 %r9, %r1, %r2;", Out.B32, a, b);
        for (int i = 0; i < N; i++) {
            assertEquals(a[i] * b[i], result[i], "element " + i + ": " + a[i] + " * " + b[i] + " (seed " + seed + ")");
        }
    }

    @Test
    void mulWideS32GivesTheWholeSigned64BitProduct() {
        int[] a = wideInts(), b = wideInts();
        long[] result = run("mul.wide.s32 %rd9, %r1, %r2;", Out.B64, a, b, a);
        for (int i = 0; i < N; i++) {
            assertEquals((long) a[i] * b[i], result[i], "element " + i + ": " + a[i] + " * " + b[i] + " (seed " + seed + ")");
        }
    }

    @Test
    void mulWideU32GivesTheWholeUnsigned64BitProduct() {
        int[] a = wideInts(), b = wideInts();
        long[] result = run("mul.wide.u32 %rd9, %r1, %r2;", Out.B64, a, b, a);
        for (int i = 0; i < N; i++) {
            long expected = Integer.toUnsignedLong(a[i]) * Integer.toUnsignedLong(b[i]);
            assertEquals(expected, result[i], "element " + i + ": " + Integer.toUnsignedString(a[i]) + " * "
                    + Integer.toUnsignedString(b[i]) + " (seed " + seed + ")");
        }
    }

    /** Shift amounts: within the width, the width itself, just past it and far past it (as a .u32). */
    private int[] shiftAmounts() {
        return IntStream.range(0, N).map(i -> switch (i % 6) {
            case 0, 1 -> random.nextInt(32);
            case 2 -> 32;
            case 3 -> random.nextInt(33, 64);
            case 4 -> random.nextInt(64, Integer.MAX_VALUE);
            default -> random.nextInt(Integer.MIN_VALUE, 0);  // 2^31 and above as unsigned
        }).toArray();
    }

    private static boolean beyondTheWidth(int amount) {
        return Integer.compareUnsigned(amount, 32) >= 0;
    }

    @Test
    void shlByTheWidthOrMoreGivesZero() {
        int[] a = wideInts(), amount = shiftAmounts();
        int[] result = run32("shl.b32 %r9, %r1, %r2;", Out.B32, a, amount);
        for (int i = 0; i < N; i++) {
            int expected = beyondTheWidth(amount[i]) ? 0 : a[i] << amount[i];
            assertEquals(expected, result[i], a[i] + " << " + Integer.toUnsignedString(amount[i]) + " (seed " + seed + ")");
        }
    }

    @Test
    void shrS32ByTheWidthOrMoreFillsWithTheSign() {
        int[] a = wideInts(), amount = shiftAmounts();
        int[] result = run32("shr.s32 %r9, %r1, %r2;", Out.B32, a, amount);
        for (int i = 0; i < N; i++) {
            int expected = beyondTheWidth(amount[i]) ? a[i] >> 31 : a[i] >> amount[i];
            assertEquals(expected, result[i], a[i] + " >> " + Integer.toUnsignedString(amount[i]) + " (seed " + seed + ")");
        }
    }

    @Test
    void shrU32ByTheWidthOrMoreGivesZero() {
        int[] a = wideInts(), amount = shiftAmounts();
        int[] result = run32("shr.u32 %r9, %r1, %r2;", Out.B32, a, amount);
        for (int i = 0; i < N; i++) {
            int expected = beyondTheWidth(amount[i]) ? 0 : a[i] >>> amount[i];
            assertEquals(expected, result[i], a[i] + " >>> " + Integer.toUnsignedString(amount[i]) + " (seed " + seed + ")");
        }
    }

    // ---- comparisons, predicates, selection ------------------------------------------------------

    /** Pairs: NaN in a, in b, in both; equal; ordinary; infinities. */
    private float[][] comparisonPairs() {
        float[][] ab = new float[2][N];
        for (int i = 0; i < N; i++) {
            float a = ordinary(10), b = ordinary(10);
            switch (i % 6) {
                case 0 -> a = nan();
                case 1 -> b = nan();
                case 2 -> {
                    a = nan();
                    b = nan();
                }
                case 3 -> b = a;
                case 4 -> b = random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                default -> { }
            }
            ab[0][i] = a;
            ab[1][i] = b;
        }
        return ab;
    }

    private static boolean compare(String comparison, float a, float b) {
        return switch (comparison.replaceFirst("u$", "")) {
            case "eq" -> a == b;
            case "ne" -> a != b;
            case "lt" -> a < b;
            case "le" -> a <= b;
            case "gt" -> a > b;
            case "ge" -> a >= b;
            default -> throw new IllegalArgumentException(comparison);
        };
    }

    private void assertSetp(String comparison, boolean withNaN) {
        float[][] ab = comparisonPairs();
        int[] result = run32("setp." + comparison + ".f32 %p1, %f1, %f2;\nselp.u32 %r9, 1, 0, %p1;", Out.B32,
                bits(ab[0]), bits(ab[1]));
        for (int i = 0; i < N; i++) {
            float a = ab[0][i], b = ab[1][i];
            boolean expected = Float.isNaN(a) || Float.isNaN(b) ? withNaN : compare(comparison, a, b);
            assertEquals(expected ? 1 : 0, result[i], "setp." + comparison + " " + at(i, a, b));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"eq", "ne", "lt", "le", "gt", "ge"})
    void orderedSetpIsFalseWhenAnOperandIsNaN(String comparison) {
        assertSetp(comparison, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"equ", "neu", "ltu", "leu", "gtu", "geu"})
    void unorderedSetpIsTrueWhenAnOperandIsNaN(String comparison) {
        assertSetp(comparison, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"num", "nan"})
    void setpNumIsTrueWhenNeitherOperandIsNaNAndSetpNanWhenEitherIs(String comparison) {
        float[][] ab = comparisonPairs();
        int[] result = run32("setp." + comparison + ".f32 %p1, %f1, %f2;\nselp.u32 %r9, 1, 0, %p1;", Out.B32,
                bits(ab[0]), bits(ab[1]));
        for (int i = 0; i < N; i++) {
            boolean eitherNaN = Float.isNaN(ab[0][i]) || Float.isNaN(ab[1][i]);
            assertEquals(eitherNaN == comparison.equals("nan") ? 1 : 0, result[i], "setp." + comparison + " " + at(i, ab[0][i], ab[1][i]));
        }
    }

    @Test
    void aGuardedInstructionRunsOnlyWhenItsPredicateSaysSo() {
        int[] a = wideInts(), b = wideInts();
        int[] result = run32("""
                setp.lt.s32 %p1, %r1, %r2;
                mov.u32 %r9, 0;
                @%p1 or.b32 %r9, %r9, 1;
                @!%p1 or.b32 %r9, %r9, 2;
                """, Out.B32, a, b);
        for (int i = 0; i < N; i++) {
            assertEquals(a[i] < b[i] ? 1 : 2, result[i], "a = " + a[i] + ", b = " + b[i] + " (seed " + seed + ")");
        }
    }

    @Test
    void selpPicksItsFirstOperandWhenThePredicateIsTrueAndItsSecondOtherwise() {
        int[] a = wideInts(), b = wideInts();
        int[] result = run32("""
                setp.lt.s32 %p1, %r1, %r2;
                selp.b32 %r9, %r1, %r2, %p1;
                """, Out.B32, a, b);
        for (int i = 0; i < N; i++) {
            assertEquals(Math.min(a[i], b[i]), result[i], "a = " + a[i] + ", b = " + b[i] + " (seed " + seed + ")");
        }
    }

    // ---- copysign, max, min --------------------------------------------------------------------

    @Test
    void copysignGivesTheMagnitudeOfItsSecondOperandWithTheSignOfItsFirst() {
        float[] a = new float[N], b = new float[N];
        float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < N; i++) {
            a[i] = i % 5 == 0 ? specials[random.nextInt(4)] : ordinary(20);
            b[i] = i % 7 == 0 ? specials[random.nextInt(4)] : ordinary(20);
        }
        int[] result = run32("copysign.f32 %f9, %f1, %f2;", Out.F32, bits(a), bits(b));
        for (int i = 0; i < N; i++) {
            assertBits(Math.copySign(b[i], a[i]), result[i], "copysign.f32 d, a, b: " + at(i, a[i], b[i]));
        }
    }

    /** NaN in a, in b, in both, or neither (no zeros: the sign of max(-0, +0) is not the rule here). */
    private float[][] maxMinPairs() {
        float[][] ab = new float[2][N];
        for (int i = 0; i < N; i++) {
            ab[0][i] = i % 4 == 0 || i % 4 == 2 ? nan() : ordinary(10);
            ab[1][i] = i % 4 == 1 || i % 4 == 2 ? nan() : ordinary(10);
        }
        return ab;
    }

    @Test
    void maxOfANaNAndANumberIsTheNumber() {
        float[][] ab = maxMinPairs();
        int[] result = run32("max.f32 %f9, %f1, %f2;", Out.F32, bits(ab[0]), bits(ab[1]));
        for (int i = 0; i < N; i++) {
            float a = ab[0][i], b = ab[1][i];
            float got = Float.intBitsToFloat(result[i]);
            if (Float.isNaN(a) && Float.isNaN(b)) {
                assertTrue(Float.isNaN(got), "max of two NaNs is NaN: " + at(i, a, b) + " gave " + describe(got));
            } else {
                assertBits(Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.max(a, b), result[i], at(i, a, b));
            }
        }
    }

    @Test
    void minOfANaNAndANumberIsTheNumber() {
        float[][] ab = maxMinPairs();
        int[] result = run32("min.f32 %f9, %f1, %f2;", Out.F32, bits(ab[0]), bits(ab[1]));
        for (int i = 0; i < N; i++) {
            float a = ab[0][i], b = ab[1][i];
            float got = Float.intBitsToFloat(result[i]);
            if (Float.isNaN(a) && Float.isNaN(b)) {
                assertTrue(Float.isNaN(got), "min of two NaNs is NaN: " + at(i, a, b) + " gave " + describe(got));
            } else {
                assertBits(Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.min(a, b), result[i], at(i, a, b));
            }
        }
    }

    // ---- atomics -------------------------------------------------------------------------------

    private static final String COUNT_GLOBAL = """
            .visible .entry count_global(
                .param .u64 count_global_param_0,
                .param .u64 count_global_param_1,
                .param .u64 count_global_param_2
            )
            {
                .reg .b32 %r<8>;
                .reg .b64 %rd<12>;

                ld.param.u64 %rd1, [count_global_param_0];
                ld.param.u64 %rd2, [count_global_param_1];
                ld.param.u64 %rd3, [count_global_param_2];
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %ctaid.x;
                mad.lo.s32 %r4, %r3, %r2, %r1;
                cvta.to.global.u64 %rd4, %rd2;
                mul.wide.u32 %rd5, %r4, 4;
                add.s64 %rd6, %rd4, %rd5;
                ld.global.u32 %r5, [%rd6];
                cvta.to.global.u64 %rd7, %rd1;
                atom.global.add.u32 %r6, [%rd7], %r5;
                cvta.to.global.u64 %rd8, %rd3;
                add.s64 %rd9, %rd8, %rd5;
                st.global.u32 [%rd9], %r6;
                ret;
            }
            """;

    /**
     * Each thread's increment and the old value its atom.add returned: sorted by the old value, each
     * is the one before plus the increment before (no increment lost, none counted twice).
     */
    private void assertIncrementsChain(int[] increments, int[] olds, int from, int count, long start, long end, String what) {
        Integer[] order = IntStream.range(from, from + count).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingLong(t -> Integer.toUnsignedLong(olds[t])));
        long expected = start;
        for (int t : order) {
            assertEquals(expected, Integer.toUnsignedLong(olds[t]), what + ": thread " + t + "'s old value (seed " + seed + ")");
            expected += increments[t];
        }
        assertEquals(expected, end, what + ": the final count (seed " + seed + ")");
    }

    @Test
    void atomGlobalAddReturnsTheOldValueAndEveryThreadsIncrementLands() {
        cuda.initWithContext();
        int blocks = 4, threads = blocks * BLOCK;
        int start = random.nextInt(1 << 20);
        int[] increments = IntStream.range(0, threads).map(i -> random.nextInt(1, 1000)).toArray();
        long counter = cuda.uploadInts(start), olds = cuda.alloc(4L * threads);
        MemorySegment count = kernel(ptxModule(COUNT_GLOBAL), "count_global");
        assertEquals(CUDA_SUCCESS, cuda.launch(count, blocks, BLOCK, MemorySegment.NULL, counter, cuda.uploadInts(increments), olds));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        assertIncrementsChain(increments, cuda.downloadInts(olds, threads), 0, threads, start,
                Integer.toUnsignedLong(cuda.downloadInts(counter, 1)[0]), "atom.global.add.u32 over " + blocks + " blocks");
    }

    private static final String COUNT_SHARED = """
            .visible .entry count_shared(
                .param .u64 count_shared_param_0,
                .param .u64 count_shared_param_1,
                .param .u64 count_shared_param_2
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<12>;
                .reg .b64 %rd<12>;
                .shared .align 4 .u32 _ZZ12count_sharedE5total;

                mov.u32 %r1, %tid.x;
                setp.ne.s32 %p1, %r1, 0;
                @%p1 bra $L__BB0_2;
                mov.u32 %r2, 0;
                st.shared.u32 [_ZZ12count_sharedE5total], %r2;
            $L__BB0_2:
                bar.sync 0;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %ctaid.x;
                mad.lo.s32 %r5, %r4, %r3, %r1;
                ld.param.u64 %rd1, [count_shared_param_0];
                cvta.to.global.u64 %rd2, %rd1;
                mul.wide.u32 %rd3, %r5, 4;
                add.s64 %rd4, %rd2, %rd3;
                ld.global.u32 %r6, [%rd4];
                mov.u32 %r7, _ZZ12count_sharedE5total;
                atom.shared.add.u32 %r8, [%r7], %r6;
                ld.param.u64 %rd5, [count_shared_param_1];
                cvta.to.global.u64 %rd6, %rd5;
                add.s64 %rd7, %rd6, %rd3;
                st.global.u32 [%rd7], %r8;
                bar.sync 0;
                @%p1 bra $L__BB0_4;
                ld.shared.u32 %r9, [_ZZ12count_sharedE5total];
                ld.param.u64 %rd8, [count_shared_param_2];
                cvta.to.global.u64 %rd9, %rd8;
                mul.wide.u32 %rd10, %r4, 4;
                add.s64 %rd11, %rd9, %rd10;
                st.global.u32 [%rd11], %r9;
            $L__BB0_4:
                ret;
            }
            """;

    @Test
    void atomSharedAddReturnsTheOldValueAndEveryThreadsIncrementLands() {
        cuda.initWithContext();
        int blocks = 4, threads = blocks * BLOCK;
        int[] increments = IntStream.range(0, threads).map(i -> random.nextInt(1, 1000)).toArray();
        long olds = cuda.alloc(4L * threads), totals = cuda.alloc(4L * blocks);
        MemorySegment count = kernel(ptxModule(COUNT_SHARED), "count_shared");
        assertEquals(CUDA_SUCCESS, cuda.launch(count, blocks, BLOCK, MemorySegment.NULL, cuda.uploadInts(increments), olds, totals));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        int[] old = cuda.downloadInts(olds, threads), total = cuda.downloadInts(totals, blocks);
        for (int block = 0; block < blocks; block++) {
            assertIncrementsChain(increments, old, block * BLOCK, BLOCK, 0, Integer.toUnsignedLong(total[block]),
                    "atom.shared.add.u32 in block " + block);
        }
    }

    // ---- state spaces --------------------------------------------------------------------------

    private static final String STORE_PARAMETERS = """
            .visible .entry store_parameters(
                .param .u64 store_parameters_param_0,
                .param .u32 store_parameters_param_1,
                .param .u64 store_parameters_param_2,
                .param .f32 store_parameters_param_3,
                .param .u32 store_parameters_param_4
            )
            {
                .reg .b32 %r<4>;
                .reg .f32 %f<2>;
                .reg .b64 %rd<4>;

                ld.param.u64 %rd1, [store_parameters_param_0];
                cvta.to.global.u64 %rd2, %rd1;
                ld.param.u32 %r1, [store_parameters_param_1];
                st.global.u32 [%rd2], %r1;
                ld.param.u64 %rd3, [store_parameters_param_2];
                st.global.u64 [%rd2+8], %rd3;
                ld.param.f32 %f1, [store_parameters_param_3];
                st.global.f32 [%rd2+16], %f1;
                ld.param.u32 %r2, [store_parameters_param_4];
                st.global.u32 [%rd2+20], %r2;
                ret;
            }
            """;

    @Test
    void ldParamReadsEachParameterAtItsAlignedOffsetAndStGlobalWritesWhereItsAddressSays() {
        cuda.initWithContext();
        int a = random.nextInt(), d = random.nextInt();
        long b = random.nextLong();
        float c = ordinary(30);
        long out = cuda.alloc(24);
        MemorySegment store = kernel(ptxModule(STORE_PARAMETERS), "store_parameters");
        assertEquals(CUDA_SUCCESS, cuda.launch(store, 1, 1, MemorySegment.NULL, out, a, b, c, d));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        int[] words = cuda.downloadInts(out, 6);
        assertEquals(a, words[0], "the .u32 parameter");
        assertEquals(b, cuda.downloadLongs(out + 8, 1)[0], "the .u64 parameter, at offset 8 of the parameter buffer");
        assertBits(c, words[4], "the .f32 parameter");
        assertEquals(d, words[5], "the last .u32 parameter");
    }

    private static final String REVERSE = """
            .visible .entry reverse(
                .param .u64 reverse_param_0,
                .param .u64 reverse_param_1
            )
            {
                .reg .b32 %r<12>;
                .reg .f32 %f<3>;
                .reg .b64 %rd<8>;
                .shared .align 4 .b8 _ZZ7reverseE6buffer[1024];

                ld.param.u64 %rd1, [reverse_param_0];
                ld.param.u64 %rd2, [reverse_param_1];
                mov.u32 %r1, %tid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %ctaid.x;
                mad.lo.s32 %r4, %r3, %r2, %r1;
                cvta.to.global.u64 %rd3, %rd1;
                mul.wide.u32 %rd4, %r4, 4;
                add.s64 %rd5, %rd3, %rd4;
                ld.global.f32 %f1, [%rd5];
                mov.u32 %r5, _ZZ7reverseE6buffer;
                shl.b32 %r6, %r1, 2;
                add.s32 %r7, %r5, %r6;
                st.shared.f32 [%r7], %f1;
                bar.sync 0;
                sub.s32 %r8, %r2, %r1;
                shl.b32 %r9, %r8, 2;
                add.s32 %r10, %r5, %r9;
                ld.shared.f32 %f2, [%r10+-4];
                cvta.to.global.u64 %rd6, %rd2;
                add.s64 %rd7, %rd6, %rd4;
                st.global.f32 [%rd7], %f2;
                ret;
            }
            """;

    /** Thread t reads what thread ntid-1-t stored: right only if every thread stored before any read (bar.sync). */
    @Test
    void threadsOfABlockExchangeValuesThroughSharedMemoryAcrossBarSync() {
        cuda.initWithContext();
        int blocks = 3, threads = 256;
        float[] in = new float[blocks * threads];
        for (int i = 0; i < in.length; i++) {
            in[i] = ordinary(20);
        }
        long out = cuda.alloc(4L * in.length);
        MemorySegment reverse = kernel(ptxModule(REVERSE), "reverse");
        assertEquals(CUDA_SUCCESS, cuda.launch(reverse, blocks, threads, MemorySegment.NULL, cuda.uploadFloats(in), out));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        int[] result = cuda.downloadInts(out, in.length);
        for (int block = 0; block < blocks; block++) {
            for (int t = 0; t < threads; t++) {
                assertBits(in[block * threads + threads - 1 - t], result[block * threads + t], "block " + block + ", thread " + t);
            }
        }
    }

    private static final String LOCAL_PICK = """
            .visible .entry local_pick(
                .param .u64 local_pick_param_0,
                .param .u64 local_pick_param_1,
                .param .u32 local_pick_param_2
            )
            {
                .local .align 4 .b8 __local_depot0[16];
                .reg .b64 %SPL;
                .reg .b32 %r<16>;
                .reg .b64 %rd<12>;

                mov.u64 %SPL, __local_depot0;
                ld.param.u64 %rd1, [local_pick_param_0];
                ld.param.u64 %rd2, [local_pick_param_1];
                ld.param.u32 %r1, [local_pick_param_2];
                mov.u32 %r2, %tid.x;
                mov.u32 %r3, %ntid.x;
                mov.u32 %r4, %ctaid.x;
                mad.lo.s32 %r5, %r4, %r3, %r2;
                cvta.to.global.u64 %rd3, %rd1;
                mul.wide.u32 %rd4, %r5, 16;
                add.s64 %rd5, %rd3, %rd4;
                ld.global.u32 %r6, [%rd5];
                ld.global.u32 %r7, [%rd5+4];
                ld.global.u32 %r8, [%rd5+8];
                ld.global.u32 %r9, [%rd5+12];
                add.u64 %rd6, %SPL, 0;
                st.local.u32 [%rd6], %r6;
                st.local.u32 [%rd6+4], %r7;
                st.local.u32 [%rd6+8], %r8;
                st.local.u32 [%rd6+12], %r9;
                bar.sync 0;
                add.s32 %r10, %r2, %r1;
                and.b32 %r11, %r10, 3;
                mul.wide.u32 %rd7, %r11, 4;
                add.s64 %rd8, %rd6, %rd7;
                ld.local.u32 %r12, [%rd8];
                cvta.to.global.u64 %rd9, %rd2;
                mul.wide.u32 %rd10, %r5, 4;
                add.s64 %rd11, %rd9, %rd10;
                st.global.u32 [%rd11], %r12;
                ret;
            }
            """;

    /** Each thread stores 4 words in its .local array, all wait at bar.sync, then each reads one back: its own. */
    @Test
    void localMemoryIsEachThreadsOwn() {
        cuda.initWithContext();
        int blocks = 2, threads = blocks * BLOCK, k = random.nextInt(4);
        int[] in = IntStream.range(0, 4 * threads).map(i -> random.nextInt()).toArray();
        long out = cuda.alloc(4L * threads);
        MemorySegment pick = kernel(ptxModule(LOCAL_PICK), "local_pick");
        assertEquals(CUDA_SUCCESS, cuda.launch(pick, blocks, BLOCK, MemorySegment.NULL, cuda.uploadInts(in), out, k));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        int[] result = cuda.downloadInts(out, threads);
        for (int i = 0; i < threads; i++) {
            int t = i % BLOCK;
            assertEquals(in[4 * i + (t + k) % 4], result[i], "thread " + i + " with k = " + k + " (seed " + seed + ")");
        }
    }

    // ---- blocks --------------------------------------------------------------------------------

    private static final String TICKETS = """
            .visible .entry tickets(
                .param .u64 tickets_param_0,
                .param .u64 tickets_param_1
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<6>;
                .reg .b64 %rd<8>;

                mov.u32 %r1, %tid.x;
                setp.ne.s32 %p1, %r1, 0;
                @%p1 bra $L__BB0_2;
                ld.param.u64 %rd1, [tickets_param_0];
                ld.param.u64 %rd2, [tickets_param_1];
                cvta.to.global.u64 %rd3, %rd1;
                atom.global.add.u32 %r2, [%rd3], 1;
                mov.u32 %r3, %ctaid.x;
                cvta.to.global.u64 %rd4, %rd2;
                mul.wide.u32 %rd5, %r3, 4;
                add.s64 %rd6, %rd4, %rd5;
                st.global.u32 [%rd6], %r2;
            $L__BB0_2:
                ret;
            }
            """;

    /** Each block's place in the order the blocks ran (its thread 0 takes a ticket). */
    private int[] ticketsOfBlocks(int blocks) {
        cuda.initWithContext();
        long counter = cuda.uploadInts(0), tickets = cuda.alloc(4L * blocks);
        MemorySegment take = kernel(ptxModule(TICKETS), "tickets");
        assertEquals(CUDA_SUCCESS, cuda.launch(take, blocks, 32, MemorySegment.NULL, counter, tickets));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        return cuda.downloadInts(tickets, blocks);
    }

    @Test
    void blocksRunInAShuffledOrderByDefault() {
        int blocks = 32;
        int[] tickets = ticketsOfBlocks(blocks);
        int[] identity = IntStream.range(0, blocks).toArray();
        assertArrayEquals(identity, Arrays.stream(tickets).sorted().toArray(), "each block ran once");
        assertFalse(Arrays.equals(identity, tickets), "the blocks ran in index order: " + Arrays.toString(tickets));
    }

    @Test
    void blocksRunInIndexOrderWhenBlockOrderIsInOrder() {
        cuda.setenv("FAKE_CUDA_BLOCK_ORDER", "in-order");
        int blocks = 32;
        assertArrayEquals(IntStream.range(0, blocks).toArray(), ticketsOfBlocks(blocks));
    }

    private static final String GRID_STRIDE_AXPY = """
            .visible .entry axpy(
                .param .f32 axpy_param_0,
                .param .u64 axpy_param_1,
                .param .u64 axpy_param_2,
                .param .u32 axpy_param_3
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<10>;
                .reg .f32 %f<5>;
                .reg .b64 %rd<10>;

                ld.param.f32 %f1, [axpy_param_0];
                ld.param.u64 %rd1, [axpy_param_1];
                ld.param.u64 %rd2, [axpy_param_2];
                ld.param.u32 %r1, [axpy_param_3];
                cvta.to.global.u64 %rd3, %rd1;
                cvta.to.global.u64 %rd4, %rd2;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %ctaid.x;
                mov.u32 %r4, %tid.x;
                mad.lo.s32 %r5, %r3, %r2, %r4;
                mov.u32 %r6, %nctaid.x;
                mul.lo.s32 %r7, %r6, %r2;
            $L__BB0_1:
                setp.ge.s32 %p1, %r5, %r1;
                @%p1 bra $L__BB0_3;
                mul.wide.s32 %rd5, %r5, 4;
                add.s64 %rd6, %rd3, %rd5;
                ld.global.f32 %f2, [%rd6];
                add.s64 %rd7, %rd4, %rd5;
                ld.global.f32 %f3, [%rd7];
                fma.rn.f32 %f4, %f1, %f2, %f3;
                st.global.f32 [%rd7], %f4;
                add.s32 %r5, %r5, %r7;
                bra.uni $L__BB0_1;
            $L__BB0_3:
                ret;
            }
            """;

    @Test
    void aGridStrideLoopIsExactWhateverOrderTheBlocksRunIn() {
        cuda.setenv("FAKE_CUDA_SHUFFLE_SEED", Long.toString(random.nextLong(1, Long.MAX_VALUE)));
        cuda.initWithContext();
        int n = random.nextInt(700, 1300), blocks = 5;
        float a = ordinary(4);
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = ordinary(10);
            y[i] = ordinary(10);
        }
        long yDevice = cuda.uploadFloats(y);
        MemorySegment axpy = kernel(ptxModule(GRID_STRIDE_AXPY), "axpy");
        assertEquals(CUDA_SUCCESS, cuda.launch(axpy, blocks, BLOCK, MemorySegment.NULL, a, cuda.uploadFloats(x), yDevice, n));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        int[] result = cuda.downloadInts(yDevice, n);
        for (int i = 0; i < n; i++) {
            assertBits(Math.fma(a, x[i], y[i]), result[i], at(i, a, x[i], y[i]));
        }
    }

    // ---- faults --------------------------------------------------------------------------------

    private static final String LOAD_AT = """
            .visible .entry load_at(
                .param .u64 load_at_param_0,
                .param .u64 load_at_param_1,
                .param .u64 load_at_param_2
            )
            {
                .reg .b32 %r<2>;
                .reg .b64 %rd<8>;

                ld.param.u64 %rd1, [load_at_param_0];
                ld.param.u64 %rd2, [load_at_param_1];
                ld.param.u64 %rd3, [load_at_param_2];
                cvta.to.global.u64 %rd4, %rd1;
                add.s64 %rd5, %rd4, %rd3;
                ld.global.u32 %r1, [%rd5];
                cvta.to.global.u64 %rd6, %rd2;
                st.global.u32 [%rd6], %r1;
                ret;
            }
            """;

    /** Launches load_at(in, out, byteOffset): out[0] = the word at in + byteOffset. */
    private int loadAt(MemorySegment loadAt, long in, long out, long byteOffset) {
        return cuda.launch(loadAt, 1, 1, MemorySegment.NULL, in, out, byteOffset);
    }

    /** The fault the launch made is reported by the calls after it, and stays (as in FakeCudaDriverRulesTest). */
    private void assertStickyFault(int code) {
        assertEquals(code, cuda.call("cuCtxSynchronize"));
        assertEquals(code, cuda.call("cuMemAlloc_v2", cuda.out(), 16L));
        assertEquals(code, cuda.call("cuCtxSynchronize"), "the fault is sticky");
    }

    @Test
    void aGlobalLoadOneElementPastAnAllocationIsAStickyIllegalAddress() {
        cuda.initWithContext();
        int n = random.nextInt(1, 64);
        int[] values = IntStream.range(0, n).map(i -> random.nextInt()).toArray();
        long in = cuda.uploadInts(values), out = cuda.alloc(4);
        MemorySegment loadAt = kernel(ptxModule(LOAD_AT), "load_at");
        assertEquals(CUDA_SUCCESS, loadAt(loadAt, in, out, 4L * (n - 1)));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"), "the last element is in the allocation");
        assertEquals(values[n - 1], cuda.downloadInts(out, 1)[0]);
        // the launch is accepted; the fault, as on a GPU, is reported by the calls after it
        assertEquals(CUDA_SUCCESS, loadAt(loadAt, in, out, 4L * n));
        assertStickyFault(CUDA_ERROR_ILLEGAL_ADDRESS);
    }

    @Test
    void aGlobalLoadOfAWordFromAnAddressNotAMultipleOf4IsAStickyMisalignedAddress() {
        cuda.initWithContext();
        int[] values = IntStream.range(0, 16).map(i -> random.nextInt()).toArray();
        long in = cuda.uploadInts(values), out = cuda.alloc(4);
        MemorySegment loadAt = kernel(ptxModule(LOAD_AT), "load_at");
        int word = random.nextInt(0, 15);
        assertEquals(CUDA_SUCCESS, loadAt(loadAt, in, out, 4L * word));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        assertEquals(values[word], cuda.downloadInts(out, 1)[0]);
        assertEquals(CUDA_SUCCESS, loadAt(loadAt, in, out, 4L * word + random.nextInt(1, 4)));
        assertStickyFault(CUDA_ERROR_MISALIGNED_ADDRESS);
    }

    private static final String STORE_SHARED_AT = """
            .visible .entry store_shared_at(
                .param .u32 store_shared_at_param_0
            )
            {
                .reg .b32 %r<6>;
                .shared .align 4 .b8 _ZZ15store_shared_atE6window[256];

                ld.param.u32 %r1, [store_shared_at_param_0];
                mov.u32 %r2, _ZZ15store_shared_atE6window;
                shl.b32 %r3, %r1, 2;
                add.s32 %r4, %r2, %r3;
                st.shared.u32 [%r4], %r1;
                ret;
            }
            """;

    @Test
    void aSharedStorePastTheBlocksWindowIsAStickyIllegalAddress() {
        cuda.initWithContext();
        MemorySegment storeAt = kernel(ptxModule(STORE_SHARED_AT), "store_shared_at");
        assertEquals(CUDA_SUCCESS, cuda.launch(storeAt, 1, 1, MemorySegment.NULL, random.nextInt(64)));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"), "a word inside the 256 bytes of .shared");
        assertEquals(CUDA_SUCCESS, cuda.launch(storeAt, 1, 1, MemorySegment.NULL, 64));
        assertStickyFault(CUDA_ERROR_ILLEGAL_ADDRESS);
    }

    // ---- approximate instructions --------------------------------------------------------------

    /**
     * Asserts actual is the float nearest exact, a double within 1 ulp (of a double) of the real value:
     * a neighbouring float is allowed only where exact is so near the midpoint between the two that the
     * double cannot tell which is nearer.
     */
    private static void assertCorrectlyRounded(double exact, int actualBits, String where) {
        float nearest = (float) exact, actual = Float.intBitsToFloat(actualBits);
        if (Float.floatToRawIntBits(nearest) == actualBits) {
            return;
        }
        double midpoint = ((double) nearest + actual) / 2;
        boolean neighbours = Math.abs(Float.floatToRawIntBits(nearest) - actualBits) == 1;
        if (!neighbours || Math.abs(exact - midpoint) > 4 * Math.ulp(exact)) {
            fail(where + ": expected " + describe(nearest) + " (the float nearest " + exact + "), got " + describe(actual));
        }
    }

    /** The float nearest exact, or NaN where exact is too near a midpoint between floats to say. */
    private static float nearestClearly(double exact) {
        float nearest = (float) exact;
        double other = exact > nearest ? Math.nextUp(nearest) : Math.nextDown(nearest);
        return Math.abs(exact - (nearest + other) / 2) > 4 * Math.ulp(exact) ? nearest : Float.NaN;
    }

    private float[] ex2Inputs() {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = random.nextFloat() * 200 - 100;
        }
        return x;
    }

    private float[] rcpInputs() {
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = ordinary(100);
        }
        return x;
    }

    private static final String EX2 = "ex2.approx.ftz.f32 %f9, %f1;";
    private static final String RCP = "rcp.approx.ftz.f32 %f9, %f1;";
    private static final DoubleUnaryOperator TWO_TO_THE = x -> StrictMath.pow(2, x);
    private static final DoubleUnaryOperator ONE_OVER = x -> 1 / x;

    @Test
    void ex2ApproxWithExactApproximationIsCorrectlyRounded() {
        cuda.setenv("FAKE_CUDA_APPROX", "exact");
        float[] x = ex2Inputs();
        int[] result = run32(EX2, Out.F32, bits(x));
        for (int i = 0; i < N; i++) {
            assertCorrectlyRounded(TWO_TO_THE.applyAsDouble(x[i]), result[i], "ex2 " + at(i, x[i]));
        }
    }

    /** 1 / x computed in double and rounded to float is correctly rounded (53 >= 2 * 24 + 2 bits): bits compared. */
    @Test
    void rcpApproxWithExactApproximationIsCorrectlyRounded() {
        cuda.setenv("FAKE_CUDA_APPROX", "exact");
        float[] x = rcpInputs();
        int[] result = run32(RCP, Out.F32, bits(x));
        for (int i = 0; i < N; i++) {
            assertBits((float) (1.0 / x[i]), result[i], "rcp " + at(i, x[i]));
        }
    }

    @Test
    void theDefaultApproximationIsExact() {
        float[] x = rcpInputs();
        int[] result = run32(RCP, Out.F32, bits(x));
        for (int i = 0; i < N; i++) {
            assertBits((float) (1.0 / x[i]), result[i], "rcp " + at(i, x[i]));
        }
    }

    /**
     * Under mode, each result is the correctly rounded one moved by ulps units in the last place, away
     * from zero (ulps > 0) or toward it; inputs whose correctly rounded result is within |ulps| of a power
     * of two are left out (a move there crosses a binade, where the bound's ulp is ambiguous).
     */
    private void assertMovedBy(String mode, String body, float[] x, DoubleUnaryOperator exact, int ulps) {
        cuda.setenv("FAKE_CUDA_APPROX", mode);
        int[] result = run32(body, Out.F32, bits(x));
        int checked = 0;
        for (int i = 0; i < x.length; i++) {
            float nearest = nearestClearly(exact.applyAsDouble(x[i]));
            int mantissa = Float.floatToRawIntBits(nearest) & MANTISSA;
            if (Float.isNaN(nearest) || mantissa < Math.abs(ulps) || mantissa > MANTISSA - Math.abs(ulps)) {
                continue;
            }
            checked++;
            // the bits of a float's magnitude count its ulps: + ulps is further from zero whatever the sign
            float expected = Float.intBitsToFloat(Float.floatToRawIntBits(nearest) + ulps);
            assertBits(expected, result[i], body + " under FAKE_CUDA_APPROX=" + mode + ", " + at(i, x[i])
                    + " (correctly rounded: " + describe(nearest) + ")");
        }
        assertTrue(checked > x.length / 2, "most inputs checked: " + checked);
    }

    @Test
    void ex2ApproxWorstIsTwoUlpsAboveTheCorrectlyRoundedResult() {
        assertMovedBy("worst", EX2, ex2Inputs(), TWO_TO_THE, 2);
    }

    @Test
    void ex2ApproxWorstDownIsTwoUlpsBelowTheCorrectlyRoundedResult() {
        assertMovedBy("worst-down", EX2, ex2Inputs(), TWO_TO_THE, -2);
    }

    /** PTX ISA 9.7.3.13: "The maximum ulp error is 1 across the full range of inputs." */
    @Test
    void rcpApproxWorstIsOneUlpFurtherFromZeroThanTheCorrectlyRoundedResult() {
        assertMovedBy("worst", RCP, rcpInputs(), ONE_OVER, 1);
    }

    @Test
    void rcpApproxWorstDownIsOneUlpNearerZeroThanTheCorrectlyRoundedResult() {
        assertMovedBy("worst-down", RCP, rcpInputs(), ONE_OVER, -1);
    }

    private static final String SIN = "sin.approx.f32 %f9, %f1;";

    /**
     * PTX ISA 9.7.3.18: sin.approx.f32's absolute error is at most 2^-20.5 over [-2 pi, 2 pi] and
     * 2^-14.7 over [-100 pi, 100 pi]: worst moves the result's magnitude up by at most that, and by
     * more than the tighter bound where only the looser one holds.
     */
    @Test
    void sinApproxWorstMovesTheMagnitudeUpByTheAbsoluteBoundOfTheInputsRange() {
        cuda.setenv("FAKE_CUDA_APPROX", "worst");
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) ((i % 2 == 0 ? 2 : 100) * Math.PI * (2 * random.nextDouble() - 1));
        }
        int[] result = run32(SIN, Out.F32, bits(x));
        double tight = Math.scalb(1.0, -20) / Math.sqrt(2), loose = Math.pow(2, -14.7);
        for (int i = 0; i < N; i++) {
            double exact = Math.abs(StrictMath.sin(x[i]));
            double moved = Math.abs(Float.intBitsToFloat(result[i])) - exact;
            boolean inner = Math.abs(x[i]) <= 2 * Math.PI;
            String where = SIN + " under worst, " + at(i, x[i]) + ": moved by " + moved;
            assertTrue(moved >= 0 && moved <= (inner ? tight : loose), where);
            if (!inner && Math.abs(x[i]) > 2.5 * Math.PI && exact < 0.99) {
                assertTrue(moved > tight, where + ", only the tighter bound's worth");
            }
        }
    }

    /** The special inputs' results, from the PTX ISA's tables, whatever the approximation. */
    private void assertSpecials(String mode, String body, float[] inputs, float[] expected) {
        cuda.setenv("FAKE_CUDA_APPROX", mode);
        int[] result = run32(body, Out.F32, bits(inputs));
        for (int i = 0; i < inputs.length; i++) {
            String where = body + " of " + describe(inputs[i]) + " under FAKE_CUDA_APPROX=" + mode;
            if (Float.isNaN(expected[i])) {
                assertTrue(Float.isNaN(Float.intBitsToFloat(result[i])), where + " is NaN, got " + describe(Float.intBitsToFloat(result[i])));
            } else {
                assertBits(expected[i], result[i], where);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exact", "worst", "worst-down"})
    void ex2ApproxOfSpecialInputsIsWhatThePtxIsaTableSays(String mode) {
        assertSpecials(mode, EX2, new float[] {Float.NEGATIVE_INFINITY, -0f, 0f, Float.POSITIVE_INFINITY, Float.NaN},
                new float[] {0f, 1f, 1f, Float.POSITIVE_INFINITY, Float.NaN});
    }

    @ParameterizedTest
    @ValueSource(strings = {"exact", "worst", "worst-down"})
    void rcpApproxOfSpecialInputsIsWhatThePtxIsaTableSays(String mode) {
        assertSpecials(mode, RCP, new float[] {Float.NEGATIVE_INFINITY, -0f, 0f, Float.POSITIVE_INFINITY, Float.NaN},
                new float[] {-0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, Float.NaN});
    }

    // ---- what the interpreter does not implement, and the engines --------------------------------

    private static final String POPULATION_COUNT = """
            .visible .entry population_count(
                .param .u64 population_count_param_0
            )
            {
                .reg .b32 %r<4>;
                .reg .b64 %rd<3>;

                ld.param.u64 %rd1, [population_count_param_0];
                cvta.to.global.u64 %rd2, %rd1;
                ld.global.u32 %r1, [%rd2];
                popc.b32 %r2, %r1;
                st.global.u32 [%rd2], %r2;
                ret;
            }
            """;

    @Test
    void aModuleWithAnOpcodeTheInterpreterDoesNotImplementFailsToLoadWithNotSupportedNamingItsLine() {
        cuda.initWithContext();
        assertFalse(cuda.ptxImplements("popc.b32"), "the interpreter implements popc.b32: pick another opcode for this test");
        String module = ptxModule(POPULATION_COUNT);
        List<String> lines = module.lines().toList();
        int line = IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains("popc.b32")).findFirst().orElseThrow() + 1;
        String stderr = cuda.nativeStderrOf(() -> cuda.loadModule(module, CUDA_ERROR_NOT_SUPPORTED));
        assertTrue(stderr.contains("popc.b32") && stderr.contains("line " + line),
                "stderr names the opcode and its line (" + line + "): " + stderr);
    }

    private static final String ADD_ONE = """
            .visible .entry ptx_only_add_one(
                .param .u64 ptx_only_add_one_param_0,
                .param .u32 ptx_only_add_one_param_1
            )
            {
                .reg .pred %p<2>;
                .reg .b32 %r<8>;
                .reg .b64 %rd<5>;

                mov.u32 %r1, %ctaid.x;
                mov.u32 %r2, %ntid.x;
                mov.u32 %r3, %tid.x;
                mad.lo.s32 %r4, %r1, %r2, %r3;
                ld.param.u32 %r5, [ptx_only_add_one_param_1];
                setp.ge.s32 %p1, %r4, %r5;
                @%p1 bra $L__BB0_2;
                ld.param.u64 %rd1, [ptx_only_add_one_param_0];
                cvta.to.global.u64 %rd2, %rd1;
                mul.wide.s32 %rd3, %r4, 4;
                add.s64 %rd4, %rd2, %rd3;
                ld.global.u32 %r6, [%rd4];
                add.s32 %r7, %r6, 1;
                st.global.u32 [%rd4], %r7;
            $L__BB0_2:
                ret;
            }
            """;

    /** The emulator engine runs only kernels with a C++ twin; this one has none, so only the PTX engine runs it. */
    @ParameterizedTest
    @ValueSource(strings = {"", "ptx"})
    void thePtxEngineIsTheDefaultAndRunsAKernelWithoutAnEmulatorTwin(String engine) {
        if (!engine.isEmpty()) {
            cuda.setenv("FAKE_CUDA_ENGINE", engine);
        }
        cuda.initWithContext();
        int n = random.nextInt(1, 200);
        int[] values = IntStream.range(0, n).map(i -> random.nextInt()).toArray();
        long device = cuda.uploadInts(values);
        MemorySegment addOne = kernel(ptxModule(ADD_ONE), "ptx_only_add_one");
        assertEquals(CUDA_SUCCESS, cuda.launch(addOne, (n + BLOCK - 1) / BLOCK, BLOCK, MemorySegment.NULL, device, n));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        assertArrayEquals(Arrays.stream(values).map(v -> v + 1).toArray(), cuda.downloadInts(device, n));
    }

    @Test
    void theEmulatorEngineRefusesAKernelWithoutACppTwin() {
        cuda.setenv("FAKE_CUDA_ENGINE", "emulator");
        cuda.initWithContext();
        MemorySegment addOne = kernel(ptxModule(ADD_ONE), "ptx_only_add_one");
        assertEquals(CUDA_ERROR_NOT_SUPPORTED, cuda.launch(addOne, 1, BLOCK, MemorySegment.NULL, cuda.alloc(4), 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"emulator", "ptx"})
    void eachEngineRunsTheShippedSigmoid(String engine) {
        cuda.setenv("FAKE_CUDA_ENGINE", engine);
        cuda.initWithContext();
        int n = random.nextInt(1, 500);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextFloat() * 40 - 20;
        }
        long out = cuda.alloc(4L * n);
        MemorySegment sigmoid = cuda.function(cuda.loadShippedPtx(), "sigmoid");
        assertEquals(CUDA_SUCCESS, cuda.launch(sigmoid, 2, 128, MemorySegment.NULL, cuda.uploadFloats(x), out, n));
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxSynchronize"));
        float[] y = cuda.download(out, n);
        for (int i = 0; i < n; i++) {
            double expected = 1 / (1 + Math.exp(-x[i]));
            assertEquals(expected, y[i], 1e-6 * expected, "sigmoid " + at(i, x[i]) + " on the " + engine + " engine");
        }
    }
}
