package dev.vaecuda.backend.cuda;

import dev.vaecuda.backend.DeviceBuffer;
import java.util.Objects;

/** {@code length} floats at a device address; slices share the memory of their buffer. */
record CudaBuffer(long address, int length) implements DeviceBuffer, DeviceMemory {

    static CudaBuffer of(DeviceBuffer buffer) {
        if (buffer instanceof CudaBuffer cuda) {
            return cuda;
        }
        throw new IllegalArgumentException("not a buffer of the CUDA backend: " + buffer);
    }

    @Override
    public DeviceBuffer slice(int offset, int length) {
        Objects.checkFromIndexSize(offset, length, this.length);
        return new CudaBuffer(address + (long) Float.BYTES * offset, length);
    }

    /** This buffer, after checking that it holds at least {@code floats} floats. */
    CudaBuffer holding(long floats, String what) {
        if (floats > length) {
            throw new IllegalArgumentException(what + " needs " + floats + " floats, its buffer has " + length);
        }
        return this;
    }
}
