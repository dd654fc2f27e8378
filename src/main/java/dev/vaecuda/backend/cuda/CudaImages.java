package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.DeviceImages;

/** {@code count} images of {@code pixelsPerImage} bytes each, one after another at a device address. */
record CudaImages(long address, int count, int pixelsPerImage) implements DeviceImages, DeviceMemory {

    static CudaImages of(DeviceImages images) {
        if (images instanceof CudaImages cuda) {
            return cuda;
        }
        throw new IllegalArgumentException("images not uploaded to the CUDA backend: " + images);
    }
}
