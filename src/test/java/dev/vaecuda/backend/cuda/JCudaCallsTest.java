package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.CudaException;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/** How JCuda's errors become messages, without a GPU: the exceptions JCuda throws are plain Java. */
class JCudaCallsTest {

    private static CudaCallException failing(int result) {
        return assertThrows(CudaCallException.class, () -> JCudaCalls.call("cuMemAlloc(1024 bytes)", () -> {
            throw new CudaException(CUresult.stringFor(result));
        }));
    }

    @Test
    void aFailedCallNamesTheCallAndTheError() {
        assertEquals("cuMemAlloc(1024 bytes) failed: CUDA_ERROR_INVALID_VALUE",
                failing(CUresult.CUDA_ERROR_INVALID_VALUE).getMessage());
    }

    @Test
    void outOfMemoryIsRecognisedAndReportedWithTheSizes() {
        assertTrue(JCudaCalls.isOutOfMemory(failing(CUresult.CUDA_ERROR_OUT_OF_MEMORY)));
        assertFalse(JCudaCalls.isOutOfMemory(failing(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS)));
        assertEquals("cuMemAlloc failed: out of device memory: asked for 3221225472 bytes (3072.0 MiB), 1536.5 MiB free"
                + " of 16384.0 MiB; a smaller model, --batch-size or --limit needs less",
                CudaCallException.outOfMemory("cuMemAlloc", 3L << 30, (1536L << 20) + (1 << 19), 16L << 30).getMessage());
    }

    @Test
    void anErrorFromQueuedWorkSaysWhereToLook() {
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS (maybe from work queued since the last synchronisation, the latest"
                + " being kernel adam; --sync-debug names the kernel that failed)",
                JCudaCalls.fromQueuedWork("CUDA_ERROR_ILLEGAL_ADDRESS", "kernel adam"));
    }
}
