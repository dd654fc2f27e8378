package dev.vaecuda.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped PTX assembles for every GPU generation we support, with the nvPTXCompiler inside
 * jcuda-natives 12.6.0 (the PTX ISA a CUDA 12.6 driver accepts); no GPU or driver needed.
 */
class PtxAssemblyTest {

    @ParameterizedTest
    @ValueSource(strings = {"sm_75", "sm_80", "sm_86", "sm_89", "sm_90"})
    void assembles(String architecture) {
        byte[] ptx = KernelModule.ptxCString();
        nvPTXCompilerHandle compiler = new nvPTXCompilerHandle();
        assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS,
                JNvPTXCompiler.nvPTXCompilerCreate(compiler, ptx.length - 1, ptx));
        try {
            int result = JNvPTXCompiler.nvPTXCompilerCompile(compiler, 1, new String[] {"--gpu-name=" + architecture});
            assertEquals(nvPTXCompileResult.NVPTXCOMPILE_SUCCESS, result, () -> "nvPTXCompilerCompile for "
                    + architecture + ": " + nvPTXCompileResult.stringFor(result) + "\n" + errorLog(compiler));
            long[] size = new long[1];
            JNvPTXCompiler.nvPTXCompilerGetCompiledProgramSize(compiler, size);
            assertTrue(size[0] > 0, "empty program for " + architecture);
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(compiler);
        }
    }

    private static String errorLog(nvPTXCompilerHandle compiler) {
        long[] size = new long[1];
        JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(compiler, size);
        byte[] log = new byte[(int) size[0]];
        JNvPTXCompiler.nvPTXCompilerGetErrorLog(compiler, log);
        return new String(log, StandardCharsets.UTF_8).trim();
    }
}
