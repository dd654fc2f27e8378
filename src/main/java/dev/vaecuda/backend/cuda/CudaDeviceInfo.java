package dev.vaecuda.backend.cuda;

import java.util.Locale;

/**
 * What `info` and the device line report about a GPU and the CUDA pieces in use.
 *
 * @param driverVersion as cuDriverGetVersion: 1000 * major + 10 * minor
 * @param cublasVersion e.g. "13.1.0", empty before cuBLAS is loaded
 * @param cublasFile    the cuBLAS library file in use, empty before it is loaded
 */
public record CudaDeviceInfo(String name, int computeMajor, int computeMinor, long totalBytes, int driverVersion,
                             String cublasVersion, String cublasFile) {

    /** e.g. "NVIDIA H200, compute capability 9.0, 139.8 GiB, driver CUDA 13.0, cuBLAS 13.1.0 (/usr/lib/libcublas.so.13)". */
    public String describe() {
        return String.format(Locale.ROOT, "%s, compute capability %d.%d, %.1f GiB, driver CUDA %s, cuBLAS %s (%s)", name,
                computeMajor, computeMinor, totalBytes / (double) (1L << 30), cudaVersion(driverVersion), cublasVersion,
                cublasFile);
    }

    CudaDeviceInfo withCublas(String version, String file) {
        return new CudaDeviceInfo(name, computeMajor, computeMinor, totalBytes, driverVersion, version, file);
    }

    /** "12.4" for cuDriverGetVersion's 12040. */
    static String cudaVersion(int driverVersion) {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }
}
