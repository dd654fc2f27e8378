package dev.vaecuda.backend.cuda;

import dev.vaecuda.VaeCudaException;

/** A call into CUDA (or the emulator) failed; the message names the call and the error. */
public final class CudaCallException extends VaeCudaException {
    public CudaCallException(String call, String error) {
        super(FAILURE, call + " failed: " + error);
    }

    public CudaCallException(String call, String error, Throwable cause) {
        super(FAILURE, call + " failed: " + error, cause);
    }
}
