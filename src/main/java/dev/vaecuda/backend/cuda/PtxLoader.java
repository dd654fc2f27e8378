package dev.vaecuda.backend.cuda;

import java.util.stream.Collectors;
import jcuda.Pointer;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;

/**
 * Loads PTX with cuModuleLoadDataEx and the JIT's error and info logs (CU_JIT_ERROR_LOG_BUFFER,
 * CU_JIT_INFO_LOG_BUFFER and their sizes), so that a PTX the driver refuses says why, in the
 * driver's own words, not only CUDA_ERROR_INVALID_PTX.
 */
final class PtxLoader {
    // per log; ptxas's messages are lines of about 100 bytes
    static final int LOG_BYTES = 8192;

    private PtxLoader() {
    }

    /** Loads {@code ptxCString} (NUL-terminated PTX text) into {@code module}; {@code name} names it in a failure. */
    static void load(CUmodule module, String name, byte[] ptxCString) {
        JITOptions options = new JITOptions();
        options.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
        options.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
        options.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[LOG_BYTES]);
        options.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
        // JCuda's cuModuleLoadDataEx with JITOptions: it returns the CUresult rather than throwing,
        // and copies the logs back into the options either way
        int result = JCudaDriver.cuModuleLoadDataJIT(module, Pointer.to(ptxCString), options);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaCallException("cuModuleLoadDataEx(" + name + ")", CUresult.stringFor(result)
                    + said("the JIT's error log", options.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER))
                    + said("its info log", options.getString(CUjit_option.CU_JIT_INFO_LOG_BUFFER)));
        }
    }

    /** "; {@code what}: {@code log}" with the log's lines on one line, or "" for an empty log. */
    static String said(String what, String log) {
        String oneLine = log.lines().map(String::strip).filter(line -> !line.isEmpty())
                .collect(Collectors.joining(" / "));
        return oneLine.isEmpty() ? "" : "; " + what + ": " + oneLine;
    }
}
