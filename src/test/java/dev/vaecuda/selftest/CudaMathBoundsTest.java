package dev.vaecuda.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The GPU-rounding emulator moves each math function's result by the same number of ulps that
 * the tolerances assume: src/main/native/cuda_emu.h's gpu_* functions against {@link CudaMathBounds}
 * (sqrtf, correctly rounded under nvcc's default -prec-sqrt=true, has no gpu_sqrtf).
 */
class CudaMathBoundsTest {
    @Test
    void theEmulatorAndTheTolerancesUseTheSameBounds() throws Exception {
        String header = Files.readString(Path.of("src/main/native/cuda_emu.h"));
        Matcher function = Pattern.compile("inline float gpu_(\\w+)\\(.*ulps_away\\(.*, (\\d+), [^,]+\\); }").matcher(header);
        Map<String, Integer> emulated = new TreeMap<>();
        while (function.find()) {
            emulated.put(function.group(1), Integer.parseInt(function.group(2)));
        }
        Map<String, Integer> documented = new TreeMap<>();
        Stream.of(CudaMathBounds.values()).filter(f -> f.maxUlps > 0).forEach(f -> documented.put(f.cName(), f.maxUlps));
        assertEquals(documented, emulated);
    }

    @Test
    void anUlpIsAtMostTwoUnitRoundoffsOfAFloat() {
        assertEquals(Math.ulp(1f), 2 * CudaMathBounds.UNIT_ROUNDOFF);
        assertEquals(4 * Math.ulp(1f), CudaMathBounds.POWF.relativeError());
    }
}
