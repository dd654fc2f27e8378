package dev.vaecuda.backend.cpu.blas;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The system's BLAS: {@code VAE_BLAS_LIBRARY} (a file or soname, e.g. MKL's libmkl_rt.so) or
 * else {@code libblas.so.3}, as the dynamic loader finds it (LD_LIBRARY_PATH, Debian's
 * alternatives). Described by the file that holds its {@code cblas_sgemm}.
 */
final class SystemBlas {
    static final String LIBRARY_VARIABLE = "VAE_BLAS_LIBRARY";
    static final String DEFAULT_LIBRARY = "libblas.so.3";

    private SystemBlas() {
    }

    /** The library's name as configured: {@code VAE_BLAS_LIBRARY}, or libblas.so.3. */
    static String configuredName() {
        String name = System.getenv(LIBRARY_VARIABLE);
        return name == null || name.isBlank() ? DEFAULT_LIBRARY : name;
    }

    static SymbolLookup load(String name) {
        return SymbolLookup.libraryLookup(name, Arena.global());
    }

    /** The file the loader mapped for {@code symbol}, by dladdr; the symbol's library name when that fails. */
    static String fileOf(SymbolLookup library, String symbol, String fallback) {
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle dladdr = linker.downcallHandle(linker.defaultLookup().findOrThrow("dladdr"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            MemorySegment info = arena.allocate(4 * ValueLayout.ADDRESS.byteSize()); // Dl_info: fname, fbase, sname, saddr
            if ((int) dladdr.invokeExact(library.findOrThrow(symbol), info) == 0) {
                return fallback;
            }
            return info.get(ValueLayout.ADDRESS, 0).reinterpret(4096).getString(0);
        } catch (Throwable e) {
            return fallback;
        }
    }
}
