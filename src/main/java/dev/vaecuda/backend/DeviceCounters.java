package dev.vaecuda.backend;

/** What a device has done since its counters were last reset: launches and copies. */
public record DeviceCounters(long kernelLaunches, long gemmCalls, long hostToDeviceBytes, long deviceToHostBytes) {

    /** Kernels and GEMMs: the launches of a step. */
    public long launches() {
        return kernelLaunches + gemmCalls;
    }
}
