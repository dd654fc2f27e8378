package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The emulator these tests load is the one their Maven execution says (vae.expectedEmulatorRounding):
 * the IEEE build from the class path, or the GPU-rounding build that VAE_CUDA_EMULATOR names, so that
 * the second run of the kernel checks cannot silently test the first build again.
 */
class EmulatorRoundingTest {
    @Test
    void theLoadedEmulatorRoundsAsThisExecutionExpects() {
        assertEquals(System.getProperty("vae.expectedEmulatorRounding", "ieee"), EmulatedRuntime.open().rounding());
    }
}
