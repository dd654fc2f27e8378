package dev.vaecuda.backend.cuda;

import java.util.function.IntSupplier;
import jcuda.CudaException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The one place where JCuda's errors are handled: exceptions are switched on for the driver API
 * (so no failed call passes unnoticed), and every call goes through {@link #call}, which turns
 * JCuda's exception into a {@link CudaCallException} that names the call.
 */
final class JCudaCalls {
    private static boolean loaded;

    private JCudaCalls() {
    }

    /** Loads JCuda's driver binding (which needs libcuda.so.1) and enables its exceptions; a missing driver is reported as such. */
    static synchronized void loadDriverApi() {
        if (loaded) {
            return;
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CudaCallException("loading JCuda's driver binding", "no NVIDIA driver (libcuda.so.1) on the loader"
                    + " path (install the NVIDIA driver, or run in the Docker image with --gpus all): " + linkerComplaint(e), e);
        }
        loaded = true;
    }

    /** The line of JCuda's long loading report that says what is missing, else its first line. */
    private static String linkerComplaint(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.lines().filter(line -> line.contains("cannot open shared object file")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .orElse(message.lines().findFirst().orElse(message));
    }

    /** Runs one JCuda call; its failure becomes a CudaCallException naming {@code name}. */
    static void call(String name, IntSupplier call) {
        try {
            call.getAsInt();
        } catch (CudaException e) {
            throw new CudaCallException(name, e.getMessage(), e);
        }
    }

    /** Whether a failed driver call said CUDA_ERROR_OUT_OF_MEMORY. */
    static boolean isOutOfMemory(CudaCallException e) {
        return e.getCause() instanceof CudaException cause
                && CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY).equals(cause.getMessage());
    }

    /** An error that a call on the stream reported, which may come from work queued before it, {@code lastQueued} the latest. */
    static String fromQueuedWork(String error, String lastQueued) {
        return error + " (maybe from work queued since the last synchronisation, the latest being " + lastQueued
                + "; --sync-debug names the kernel that failed)";
    }
}
