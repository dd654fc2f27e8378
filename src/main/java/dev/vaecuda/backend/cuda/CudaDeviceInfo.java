package dev.vaecuda.backend.cuda;

import java.util.Locale;

/**
 * What `info` and the device line report about a GPU and the CUDA pieces in use.
 *
 * @param driverVersion as cuDriverGetVersion: 1000 * major + 10 * minor
 * @param cublasVersion e.g. "13.1.0", empty before cuBLAS is loaded
 * @param cublasFile    the cuBLAS library file in use, empty before it is loaded
 * @param cudnn         e.g. "cuDNN 9.10.2 (/usr/lib/libcudnn.so.9)", or "no convolutions: " and why not
 *                      (see {@link CudaRuntime#whyNoConvolutions}); empty before cuDNN is looked for
 */
public record CudaDeviceInfo(String name, int computeMajor, int computeMinor, long totalBytes, int driverVersion,
                             String cublasVersion, String cublasFile, String cudnn) {

    /**
     * e.g. "NVIDIA H200, compute capability 9.0, 139.8 GiB, driver CUDA 13.0, cuBLAS 13.1.0
     * (/usr/lib/libcublas.so.13), cuDNN 9.10.2 (/usr/lib/libcudnn.so.9)".
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s, compute capability %d.%d, %.1f GiB, driver CUDA %s, cuBLAS %s (%s)%s", name,
                computeMajor, computeMinor, totalBytes / (double) (1L << 30), cudaVersion(driverVersion), cublasVersion,
                cublasFile, cudnn.isEmpty() ? "" : ", " + cudnn);
    }

    CudaDeviceInfo withCublas(String version, String file) {
        return new CudaDeviceInfo(name, computeMajor, computeMinor, totalBytes, driverVersion, version, file, cudnn);
    }

    CudaDeviceInfo withCudnn(String description) {
        return new CudaDeviceInfo(name, computeMajor, computeMinor, totalBytes, driverVersion, cublasVersion, cublasFile,
                description);
    }

    /** "12.4" for cuDriverGetVersion's 12040. */
    static String cudaVersion(int driverVersion) {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }
}
