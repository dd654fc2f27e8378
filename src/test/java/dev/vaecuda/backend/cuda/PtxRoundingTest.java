package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.selftest.CudaMathBounds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped PTX rounds where the CPU backend rounds: nvcc fuses a*b + c into one fma.rn.f32
 * unless told not to (kernels/build-ptx.sh passes -fmad=false), and ptxas may still fuse an f32
 * mul and add that carry no rounding modifier (PTX ISA, "Floating-Point Instructions"). So:
 * <ul>
 * <li>no f32 or f64 add, sub, mul, mad or fma without a rounding modifier (.rn, .rz, .rm, .rp);
 * <li>every fused multiply-add is accounted for by its source line (the .loc before it, which
 *     build-ptx.sh keeps with -lineinfo): the line calls one of the CUDA math functions whose
 *     documented error bounds the checks allow ({@link CudaMathBounds}: their implementations
 *     fuse on purpose), or holds as many {@code __fmaf_rn} calls as the line has fused operations.
 * </ul>
 */
class PtxRoundingTest {
    private static final Pattern FILE = Pattern.compile("^\\s*\\.file\\s+(\\d+)\\s+\"([^\"]+)\"");
    private static final Pattern LOC = Pattern.compile("^\\s*\\.loc\\s+(\\d+)\\s+(\\d+)");
    // an instruction, after an optional guard predicate: its opcode and modifiers (add.rn.f32 ...)
    private static final Pattern FLOAT_ARITHMETIC =
            Pattern.compile("^\\s*(?:@!?%\\w+\\s+)?((add|sub|mul|mad|fma)(\\.[a-z0-9]+)*\\.f(32|64))\\s");
    private static final Pattern ROUNDING = Pattern.compile("\\.r[nzmp]\\.");
    private static final Pattern MATH_CALL = Pattern.compile("\\b("
            + Stream.of(CudaMathBounds.values()).map(CudaMathBounds::cName).collect(Collectors.joining("|")) + ")\\s*\\(");
    private static final Pattern FMA_INTRINSIC = Pattern.compile("\\b__fmaf_rn\\s*\\(");

    /** What breaks the rules in {@code ptx}, one line each; {@code sourceLine} gives (file, line) of kernels/. */
    static List<String> problems(String ptx, BiFunction<String, Integer, String> sourceLine) {
        Map<String, String> files = new HashMap<>();
        for (String line : ptx.lines().toList()) {
            Matcher file = FILE.matcher(line);
            if (file.find()) {
                files.put(file.group(1), file.group(2));
            }
        }
        Map<String, Integer> unrounded = new TreeMap<>();
        Map<String, Integer> fusedPerLine = new TreeMap<>();
        String where = null;
        for (String line : ptx.lines().toList()) {
            Matcher loc = LOC.matcher(line);
            if (loc.find()) {
                where = files.getOrDefault(loc.group(1), "file " + loc.group(1)) + ":" + loc.group(2);
                continue;
            }
            Matcher instruction = FLOAT_ARITHMETIC.matcher(line);
            if (!instruction.find()) {
                continue;
            }
            String opcode = instruction.group(1);
            if (!ROUNDING.matcher(opcode + ".").find()) {
                unrounded.merge(opcode + " at " + where, 1, Integer::sum);
            }
            if (opcode.startsWith("fma") || opcode.startsWith("mad")) {
                fusedPerLine.merge(String.valueOf(where), 1, Integer::sum);
            }
        }
        List<String> problems = new ArrayList<>();
        unrounded.forEach((what, count) -> problems.add(count + " x " + what + " without a rounding modifier (ptxas may fuse it)"));
        fusedPerLine.forEach((place, fused) -> {
            int colon = place.lastIndexOf(':');
            if (colon < 0) {
                problems.add(fused + " fused multiply-add(s) before any .loc: build the PTX with -lineinfo");
                return;
            }
            String source = sourceLine.apply(place.substring(0, colon), Integer.parseInt(place.substring(colon + 1)));
            long intrinsics = FMA_INTRINSIC.matcher(source).results().count();
            if (!MATH_CALL.matcher(source).find() && fused > intrinsics) {
                problems.add(fused + " fused multiply-add(s) at " + place + " that neither a math function nor "
                        + "__fmaf_rn accounts for: " + source.strip());
            }
        });
        return problems;
    }

    /** Line {@code number} of kernels/{@code file}. */
    private static String kernelSource(String file, int number) {
        try {
            return Files.readAllLines(Path.of("kernels", file), StandardCharsets.UTF_8).get(number - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theShippedPtxFusesOnlyWhereTheSourcesSayOrTheMathLibraryDoes() {
        String ptx = new String(KernelModule.ptx(), StandardCharsets.UTF_8);
        assertEquals(List.of(), problems(ptx, PtxRoundingTest::kernelSource));
        assertTrue(ptx.contains("fma.rn.f32"), "no fma at all: the math library's inlined code is missing");
    }

    /** A module with the given instruction at kernels line 1 of "k.cu", whose text is {@code source}. */
    private static List<String> problemsOf(String instruction, String source) {
        String ptx = ".loc 1 1 0\n\t" + instruction + "\n.file 1 \"k.cu\"\n";
        return problems(ptx, (file, line) -> {
            assertEquals("k.cu:1", file + ":" + line);
            return source;
        });
    }

    @Test
    void aContractedMultiplyAddIsCaught() {
        List<String> problems = problemsOf("fma.rn.f32 %f3, %f1, %f2, %f3;", "m = beta1 * m + (1.0f - beta1) * g;");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("1 fused multiply-add(s) at k.cu:1"), problems.toString());
    }

    @Test
    void anUnroundedMultiplyOrAddIsCaught() {
        assertEquals(1, problemsOf("mul.f32 %f3, %f1, %f2;", "x = a * b;").size());
        assertEquals(1, problemsOf("@%p1 add.f64 %fd3, %fd1, %fd2;", "x = a + b;").size());
        assertEquals(List.of(), problemsOf("mul.rn.f32 %f3, %f1, %f2;", "x = a * b;"));
        assertEquals(List.of(), problemsOf("add.s32 %r3, %r1, %r2;", "i = i + 1;"));
    }

    @Test
    void anFmaIsAccountedForByAMathCallOrAnIntrinsicOnItsLine() {
        assertEquals(List.of(), problemsOf("fma.rn.f32 %f3, %f1, %f2, %f3;", "float e = expf(-fabsf(x));"));
        assertEquals(List.of(), problemsOf("fma.rn.f32 %f3, %f1, %f2, %f3;", "m = __fmaf_rn(beta1, m, g);"));
        // fmaf is fused too, but not asked for by the intrinsic that names its rounding
        assertEquals(1, problemsOf("fma.rn.f32 %f3, %f1, %f2, %f3;", "m = fmaf(beta1, m, g);").size());
    }
}
