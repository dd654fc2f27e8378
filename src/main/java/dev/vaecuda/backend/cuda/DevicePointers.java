package dev.vaecuda.backend.cuda;

import jcuda.driver.CUdeviceptr;

/** Between JCuda's device pointer objects and the plain addresses the runtime seam uses. */
final class DevicePointers {
    private DevicePointers() {
    }

    /** A CUdeviceptr whose address can be read (JCuda keeps it in a protected field). */
    static final class Allocated extends CUdeviceptr {
        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    /** A CUdeviceptr for an address: JCuda passes native pointer (0 here) plus byte offset. */
    static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }
}
