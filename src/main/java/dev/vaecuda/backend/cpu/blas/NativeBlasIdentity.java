package dev.vaecuda.backend.cpu.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * What a native BLAS says about itself: OpenBLAS its build ({@code openblas_get_config}), the
 * kernels it chose for this CPU ({@code openblas_get_corename}) and its threads; MKL and BLIS
 * their version strings; anything else is named as unknown, since it may be the reference BLAS.
 */
final class NativeBlasIdentity {
    private static final Linker LINKER = Linker.nativeLinker();

    private final SymbolLookup library;
    private final String source;

    /** @param source where the library came from, for the description: "bundled", or its file */
    NativeBlasIdentity(SymbolLookup library, String source) {
        this.library = library;
        this.source = source;
    }

    /** Whether this is OpenBLAS, MKL or BLIS: an optimised BLAS, unlike the reference one. */
    boolean isOptimised() {
        return library.find("openblas_get_config").isPresent() || library.find("MKL_Get_Version_String").isPresent()
                || library.find("bli_info_get_version_str").isPresent();
    }

    /**
     * A threaded OpenBLAS locks around concurrent calls; pinned to one thread each call then
     * runs on its caller's thread. Its single-threaded build does not lock (concurrent calls
     * corrupt results), and other libraries thread as they see fit: false for those.
     */
    boolean pinToOneThreadPerCall() {
        Optional<MethodHandle> parallel = function("openblas_get_parallel", FunctionDescriptor.of(ValueLayout.JAVA_INT));
        Optional<MethodHandle> setThreads = function("openblas_set_num_threads", FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
        if (parallel.isEmpty() || setThreads.isEmpty() || (int) call(parallel.get()) == 0) {
            return false;
        }
        call(setThreads.get(), 1);
        return true;
    }

    String describe() {
        Optional<String> openBlas = string("openblas_get_config");
        if (openBlas.isPresent()) {
            String kernels = string("openblas_get_corename").orElse("?");
            int threads = function("openblas_get_num_threads", FunctionDescriptor.of(ValueLayout.JAVA_INT))
                    .map(f -> (int) call(f)).orElse(0);
            return openBlas.get() + " (" + source + "), kernels " + kernels + ", " + threads
                    + (threads == 1 ? " thread" : " threads") + " per call";
        }
        return mklVersion().or(() -> string("bli_info_get_version_str").map(v -> "BLIS " + v))
                .map(v -> v + " (" + source + ")")
                .orElse("unknown (" + source + "): not OpenBLAS, MKL or BLIS; if it is the reference BLAS, it is 10x slower");
    }

    private Optional<String> string(String function) {
        return function(function, FunctionDescriptor.of(ValueLayout.ADDRESS))
                .map(f -> ((MemorySegment) call(f)).reinterpret(1024).getString(0).strip());
    }

    private Optional<String> mklVersion() {
        return function("MKL_Get_Version_String", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT))
                .map(f -> {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment buffer = arena.allocate(256);
                        call(f, buffer, 256);
                        return buffer.getString(0).strip();
                    }
                });
    }

    private Optional<MethodHandle> function(String name, FunctionDescriptor descriptor) {
        return library.find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor));
    }

    private static Object call(MethodHandle function, Object... arguments) {
        try {
            return function.invokeWithArguments(arguments);
        } catch (Throwable e) {
            throw new IllegalStateException("calling the BLAS's " + function + " failed: " + e, e);
        }
    }
}
