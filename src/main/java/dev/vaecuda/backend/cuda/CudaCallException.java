package dev.vaecuda.backend.cuda;

import dev.vaecuda.VaeCudaException;
import java.util.Locale;

/** A call into CUDA (or the emulator) failed; the message names the call and the error. */
public final class CudaCallException extends VaeCudaException {
    private static final double MIB = 1 << 20;

    public CudaCallException(String call, String error) {
        super(FAILURE, call + " failed: " + error);
    }

    public CudaCallException(String call, String error, Throwable cause) {
        super(FAILURE, call + " failed: " + error, cause);
    }

    /** An allocation of {@code asked} bytes that the device refused, with what it had (as cuMemGetInfo says). */
    static CudaCallException outOfMemory(String call, long asked, long free, long total) {
        return new CudaCallException(call, String.format(Locale.ROOT, "out of device memory: asked for %d bytes"
                + " (%.1f MiB), %.1f MiB free of %.1f MiB; a smaller model, --batch-size or --limit needs less",
                asked, asked / MIB, free / MIB, total / MIB));
    }
}
