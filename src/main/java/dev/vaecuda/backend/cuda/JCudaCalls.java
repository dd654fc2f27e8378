package dev.vaecuda.backend.cuda;

import java.util.function.IntSupplier;
import jcuda.CudaException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.runtime.JCuda;

/**
 * The one place where JCuda's errors are handled: exceptions are switched on for the driver
 * API, the runtime API and cuBLAS (so no failed call passes unnoticed), and every call goes
 * through {@link #call}, which turns JCuda's exception into a {@link CudaCallException} that
 * names the call.
 */
final class JCudaCalls {
    private static boolean exceptionsEnabled;

    private JCudaCalls() {
    }

    /** Loads JCuda's native libraries and enables their exceptions; a missing driver is reported as such. */
    static synchronized void enableExceptions() {
        if (exceptionsEnabled) {
            return;
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCuda.setExceptionsEnabled(true);
            JCublas2.setExceptionsEnabled(true);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CudaCallException("loading JCuda's native libraries", "no usable NVIDIA driver or CUDA library"
                    + " (libcuda.so.1 from the driver, libcublas.so.12 from CUDA 12) on the loader path: "
                    + linkerComplaint(e), e);
        }
        exceptionsEnabled = true;
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
