package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.DeviceBuffer;

/** A view of a Java float array: {@code data[offset .. offset + length)}. */
record CpuBuffer(float[] data, int offset, int length) implements DeviceBuffer {

    CpuBuffer {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException(
                    "view [" + offset + ", " + (offset + length) + ") outside a buffer of " + data.length);
        }
    }

    @Override
    public DeviceBuffer slice(int sliceOffset, int sliceLength) {
        if (sliceOffset < 0 || sliceLength < 0 || sliceOffset + sliceLength > length) {
            throw new IllegalArgumentException("slice [" + sliceOffset + ", " + (sliceOffset + sliceLength)
                    + ") outside a view of " + length);
        }
        return new CpuBuffer(data, offset + sliceOffset, sliceLength);
    }

    static CpuBuffer of(DeviceBuffer buffer) {
        if (buffer instanceof CpuBuffer cpu) {
            return cpu;
        }
        throw new IllegalArgumentException("buffer from another backend: " + buffer.getClass().getSimpleName());
    }
}
