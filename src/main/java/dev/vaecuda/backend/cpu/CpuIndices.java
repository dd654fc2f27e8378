package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.DeviceIndices;

record CpuIndices(int[] data) implements DeviceIndices {
    @Override
    public int length() {
        return data.length;
    }
}
