package dev.vaecuda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Burda et al.'s schedule: stage i lasts 3^i epochs at --lr * 10^(-i/7), i = 0..7; 3280 epochs in all. */
class LearningRateScheduleTest {
    @Test
    void iwaeStagesLast3ToTheIEpochs() {
        int[] counts = new int[8];
        for (int epoch = 1; epoch <= LearningRateSchedule.IWAE_EPOCHS; epoch++) {
            counts[LearningRateSchedule.IWAE.stage(epoch)]++;
        }
        for (int i = 0, length = 1; i < counts.length; i++, length *= 3) {
            assertEquals(length, counts[i], "epochs of stage " + i);
        }
        assertEquals(1, LearningRateSchedule.IWAE.stage(2));
        assertEquals(1, LearningRateSchedule.IWAE.stage(4));
        assertEquals(2, LearningRateSchedule.IWAE.stage(5));
        assertEquals(7, LearningRateSchedule.IWAE.stage(3280));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.IWAE.stage(3281));
    }

    @Test
    void ratesFallByATenthEverySevenStages() {
        assertEquals(1e-3f, LearningRateSchedule.IWAE.rate(1e-3f, 1));
        assertEquals(1e-3 * Math.pow(10, -1 / 7.0), LearningRateSchedule.IWAE.rate(1e-3f, 2), 1e-9);
        assertEquals(1e-4 * Math.pow(10, 0.0), LearningRateSchedule.IWAE.rate(1e-3f, 3280), 1e-9);
        assertEquals(2e-3f, LearningRateSchedule.CONSTANT.rate(2e-3f, 100_000));
    }
}
