package dev.vaecuda.backend.cuda;

/** Something in device memory that a kernel can take a pointer to. */
public interface DeviceMemory {
    /** The device address of its first byte. */
    long address();
}
