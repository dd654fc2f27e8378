package dev.vaecuda.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A C library that vae-cuda calls through FFM (cuBLAS, cuDNN), opened as cuvs-java opens its own:
 * the file an environment variable names when it is set, else the first of the library's sonames
 * that the dynamic loader finds; {@link #file} says which file that was. Every failure is a
 * {@link CudaCallException} of "loading cuBLAS" (or cuDNN) that says what to do.
 */
final class NativeLibrary {
    /**
     * Which library, for the messages.
     *
     * @param name             "cuBLAS"
     * @param overrideVariable the environment variable that may name its file
     * @param anySymbol        a function every version has: a file without it is another library
     * @param needs            the versions vae-cuda takes, e.g. "cuBLAS 12 or 13"
     * @param install          how to get it, e.g. "install CUDA's cuBLAS, ..., add its folder to LD_LIBRARY_PATH"
     */
    record Kind(String name, String overrideVariable, String anySymbol, String needs, String install) {
        String loading() {
            return "loading " + name;
        }
    }

    final String file;
    private final Kind kind;
    private final SymbolLookup symbols;

    private NativeLibrary(Kind kind, SymbolLookup symbols, String file) {
        this.kind = kind;
        this.symbols = symbols;
        this.file = file;
    }

    /** The library: {@code override} (the override variable's value) when not null or blank, else the first of {@code sonames} found. */
    static NativeLibrary load(Kind kind, String override, List<String> sonames) {
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (!Files.isRegularFile(path)) {
                throw new CudaCallException(kind.loading(), kind.overrideVariable() + "=" + override + " names no file");
            }
            return open(kind, path.toString()).orElseThrow(() -> new CudaCallException(kind.loading(),
                    kind.overrideVariable() + "=" + override + " is not a shared library this process can load"));
        }
        for (String soname : sonames) {
            Optional<NativeLibrary> found = open(kind, soname);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new CudaCallException(kind.loading(), "no " + String.join(" or ", sonames) + " on the loader path ("
                + kind.install() + ", or name the file in " + kind.overrideVariable() + ")");
    }

    /** The library by soname or path, or empty when the dynamic loader cannot open it. */
    private static Optional<NativeLibrary> open(Kind kind, String nameOrPath) {
        SymbolLookup symbols;
        try {
            // never unloaded: cuBLAS and cuDNN keep threads and driver state for the life of the process
            symbols = SymbolLookup.libraryLookup(nameOrPath, Arena.global());
        } catch (IllegalArgumentException notLoadable) {
            return Optional.empty();
        }
        MemorySegment anySymbol = symbols.find(kind.anySymbol()).orElseThrow(() -> new CudaCallException(kind.loading(),
                nameOrPath + " has no " + kind.anySymbol() + ": it is not " + kind.name()));
        return Optional.of(new NativeLibrary(kind, symbols, LoadedLibraries.fileOf(anySymbol).orElse(nameOrPath)));
    }

    /** The downcall handle of function {@code name}, which the library must have. */
    MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = symbols.find(name).orElseThrow(() -> new CudaCallException(kind.loading(),
                "the library has no " + name + " (vae-cuda needs " + kind.needs() + ")"));
        return Linker.nativeLinker().downcallHandle(symbol, descriptor);
    }
}
