package dev.vaecuda.backend;

/**
 * What a device has done since its counters were last reset: kernel launches, cuBLAS GEMMs,
 * cuDNN convolution calls, and bytes copied each way.
 */
public record DeviceCounters(long kernelLaunches, long gemmCalls, long convolutionCalls, long hostToDeviceBytes,
                             long deviceToHostBytes) {

    /** Kernels, GEMMs and convolutions: the launches of a step. */
    public long launches() {
        return kernelLaunches + gemmCalls + convolutionCalls;
    }

    /** What was done between {@code earlier} and these counters. */
    public DeviceCounters since(DeviceCounters earlier) {
        return new DeviceCounters(kernelLaunches - earlier.kernelLaunches, gemmCalls - earlier.gemmCalls,
                convolutionCalls - earlier.convolutionCalls, hostToDeviceBytes - earlier.hostToDeviceBytes,
                deviceToHostBytes - earlier.deviceToHostBytes);
    }
}
