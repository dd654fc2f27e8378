package dev.vaecuda.backend.cuda;

import java.util.Locale;

/** What `info` and the device line report about a GPU. */
public record CudaDeviceInfo(String name, int computeMajor, int computeMinor, long totalBytes, int driverVersion) {

    /** e.g. "NVIDIA H100 80GB HBM3, compute capability 9.0, 79.1 GiB, driver CUDA 12.4". */
    public String describe() {
        return String.format(Locale.ROOT, "%s, compute capability %d.%d, %.1f GiB, driver CUDA %d.%d", name,
                computeMajor, computeMinor, totalBytes / (double) (1L << 30), driverVersion / 1000, driverVersion % 1000 / 10);
    }
}
