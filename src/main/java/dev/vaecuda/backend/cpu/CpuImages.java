package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.DeviceImages;

/** The data set's 8-bit pixels, one row of {@code pixelsPerImage} per image. */
record CpuImages(byte[] pixels, int count, int pixelsPerImage) implements DeviceImages {
}
