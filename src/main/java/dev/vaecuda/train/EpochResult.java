package dev.vaecuda.train;

/** One epoch's figures; losses are per image (summed over pixels, mean over images). */
public record EpochResult(int epoch, double trainLoss, double testLoss, double trainSeconds, double imagesPerSecond) {
}
