package dev.vaecuda.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Asks the native BLAS that netlib loaded (libblas.so.3) whether it is OpenBLAS and whether
 * that build may be called from several threads at once (its threaded builds lock; its
 * single-threaded build does not, and concurrent calls corrupt results). When it is a threaded
 * build, pins its own threads to 1 so the backend's workers split the GEMMs instead.
 */
final class OpenBlasThreading {
    private OpenBlasThreading() {
    }

    /** True when concurrent sgemm calls are safe and each runs on one thread. */
    static boolean pinToOneThreadForConcurrentCalls() {
        try {
            SymbolLookup blas = SymbolLookup.libraryLookup("libblas.so.3", Arena.global());
            Linker linker = Linker.nativeLinker();
            Optional<MethodHandle> parallel = blas.find("openblas_get_parallel")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT)));
            Optional<MethodHandle> setThreads = blas.find("openblas_set_num_threads")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)));
            if (parallel.isEmpty() || setThreads.isEmpty() || (int) parallel.get().invokeExact() == 0) {
                return false;
            }
            setThreads.get().invokeExact(1);
            return true;
        } catch (Throwable e) {
            // not OpenBLAS, or no native access: call the BLAS from one thread, which is always safe
            return false;
        }
    }
}
