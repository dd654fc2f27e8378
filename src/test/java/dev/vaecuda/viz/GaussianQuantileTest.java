package dev.vaecuda.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GaussianQuantileTest {
    /** Reference values from Python's statistics.NormalDist().inv_cdf; Acklam's approximation is good to about 1e-9 relative. */
    @ParameterizedTest
    @CsvSource({
        "0.5, 0.0",
        "0.975, 1.959963984540054",
        "0.025, -1.959963984540054",
        "0.8413447460685429, 1.0",
        "0.001, -3.090232306167813",
        "0.02425, -1.9729610513118845",
        "0.999999, 4.753424308817089",
    })
    void matchesReferenceQuantiles(double p, double expected) {
        assertEquals(expected, GaussianQuantile.of(p), 1e-8 * Math.max(1, Math.abs(expected)));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.1, Double.NaN})
    void refusesProbabilitiesOutsideTheOpenInterval(double p) {
        assertThrows(IllegalArgumentException.class, () -> GaussianQuantile.of(p));
    }
}
