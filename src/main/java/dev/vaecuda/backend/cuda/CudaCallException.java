package dev.vaecuda.backend.cuda;

/** A call into CUDA (or the emulator) failed; the message names the call and the error. */
public final class CudaCallException extends RuntimeException {
    public CudaCallException(String call, String error) {
        super(call + " failed: " + error);
    }

    public CudaCallException(String call, String error, Throwable cause) {
        super(call + " failed: " + error, cause);
    }
}
