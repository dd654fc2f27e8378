package dev.vaecuda.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** The kernels' PTX module: kernels/*.cu compiled by kernels/build-ptx.sh, shipped in the jar. */
final class KernelModule {
    static final String RESOURCE = "/dev/vaecuda/backend/cuda/kernels.ptx";

    private KernelModule() {
    }

    /** The PTX text's bytes. */
    static byte[] ptx() {
        try (InputStream in = KernelModule.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the kernel module " + RESOURCE + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The PTX as a C string, as cuModuleLoadDataEx reads it: with a terminating NUL. */
    static byte[] ptxCString() {
        byte[] text = ptx();
        return Arrays.copyOf(text, text.length + 1);
    }
}
