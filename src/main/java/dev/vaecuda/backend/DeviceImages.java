package dev.vaecuda.backend;

/** A whole data set of 8-bit images resident in backend memory, one row of pixels per image. */
public interface DeviceImages {
    int count();

    int pixelsPerImage();
}
