package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a JIT log joins a failure's one-line message (the load itself: JCudaRuntimeOnFakeDriverTest). */
class PtxLoaderTest {

    @Test
    void aLogOfSeveralLinesIsSaidOnOneLine() {
        assertEquals("; the JIT's error log: ptxas application ptx input, line 5; error   : Unknown symbol 'x'"
                + " / ptxas fatal   : Ptx assembly aborted due to errors",
                PtxLoader.said("the JIT's error log", "ptxas application ptx input, line 5; error   : Unknown symbol 'x'\n"
                        + "ptxas fatal   : Ptx assembly aborted due to errors\n\n"));
    }

    @Test
    void anEmptyLogSaysNothing() {
        assertEquals("", PtxLoader.said("its info log", ""));
        assertEquals("", PtxLoader.said("its info log", " \n"));
    }
}
