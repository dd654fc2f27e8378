package dev.vaecuda.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * The fake driver that JCuda loaded as libcuda.so.1 (target/fake-cuda on LD_LIBRARY_PATH), set up
 * for one test: its FAKE_CUDA_* variables (read at cuInit) set in this process's environment, and
 * the driver reset so that the next cuInit reads them. Close to restore the defaults.
 */
final class FakeDriver implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    // by soname: the library JCuda's natives were linked against, already loaded
    private static final MethodHandle RESET = LINKER.downcallHandle(
            SymbolLookup.libraryLookup("libcuda.so.1", Arena.global()).find("fake_cuda_reset").orElseThrow(),
            FunctionDescriptor.ofVoid());

    private final Map<String, String> variables;

    private FakeDriver(Map<String, String> variables) {
        this.variables = variables;
        variables.forEach(ProcessEnvironment::set);
        reset();
    }

    /** The fake with these FAKE_CUDA_* settings until closed. */
    static FakeDriver with(Map<String, String> variables) {
        return new FakeDriver(variables);
    }

    @Override
    public void close() {
        variables.keySet().forEach(ProcessEnvironment::unset);
        reset();
    }

    private static void reset() {
        Downcalls.value(() -> {
            RESET.invokeExact();
            return 0;
        });
    }
}
