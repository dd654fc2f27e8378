package dev.vaecuda.backend.cuda;

/** What a runtime has done since its counters were last reset. */
public record RuntimeCounters(long kernelLaunches, long gemmCalls, long hostToDeviceBytes, long deviceToHostBytes) {
}
