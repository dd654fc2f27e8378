package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * cuBLAS's C ABI through FFM, not JCublas: JCublas 12.6 binds {@code libcublas.so.12} (versioned
 * symbols), which machines with only CUDA 13 lack. The library is {@code $VAE_CUBLAS} when set,
 * else {@code libcublas.so.13} or {@code libcublas.so.12} from the loader path, whichever the
 * driver can run first; the downcall handles are looked up once and every status is turned into
 * a {@link CudaCallException} naming the call, in {@link #check}.
 */
final class CublasLibrary {
    /** An environment variable naming the cuBLAS file, for installs the loader does not find. */
    static final String OVERRIDE_VARIABLE = "VAE_CUBLAS";
    static final int OP_N = 0;
    static final int OP_T = 1;
    static final int DEFAULT_MATH = 0;
    static final int TF32_TENSOR_OP_MATH = 3;
    static final int POINTER_MODE_HOST = 0;
    private static final int STATUS_SUCCESS = 0;

    final String file;
    final MethodHandle create;
    final MethodHandle destroy;
    final MethodHandle getVersion;
    final MethodHandle setStream;
    final MethodHandle setMathMode;
    final MethodHandle setPointerMode;
    final MethodHandle setWorkspace;
    final MethodHandle sgemm;
    private final MethodHandle statusName;

    private CublasLibrary(SymbolLookup symbols, String file) {
        this.file = file;
        Linker linker = Linker.nativeLinker();
        create = handle(linker, symbols, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = handle(linker, symbols, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getVersion = handle(linker, symbols, "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setStream = handle(linker, symbols, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setMathMode = handle(linker, symbols, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setPointerMode = handle(linker, symbols, "cublasSetPointerMode_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setWorkspace = handle(linker, symbols, "cublasSetWorkspace_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        // (handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc)
        sgemm = handle(linker, symbols, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        statusName = handle(linker, symbols, "cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /**
     * The cuBLAS library: {@code override} (the value of $VAE_CUBLAS) when not null or blank, else the
     * first of {@code libcublas.so.13} (only when the driver runs CUDA 13) and {@code libcublas.so.12}
     * that the loader finds.
     */
    static CublasLibrary load(String override, int driverVersion) {
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (!Files.isRegularFile(path)) {
                throw new CudaCallException("loading cuBLAS", OVERRIDE_VARIABLE + "=" + override + " names no file");
            }
            return open(path.toString()).orElseThrow(() -> new CudaCallException("loading cuBLAS",
                    OVERRIDE_VARIABLE + "=" + override + " is not a shared library this process can load"));
        }
        List<String> names = new ArrayList<>();
        if (driverVersion >= 13000) {
            names.add("libcublas.so.13");
        }
        names.add("libcublas.so.12");
        for (String name : names) {
            Optional<CublasLibrary> found = open(name);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new CudaCallException("loading cuBLAS", "no " + String.join(" or ", names) + " on the loader path"
                + " (install CUDA's cuBLAS, e.g. the libcublas-12-x or libcublas-13-x package, add its folder to"
                + " LD_LIBRARY_PATH, or name the file in " + OVERRIDE_VARIABLE + ")");
    }

    /** The library by soname or path, or empty when the dynamic loader cannot open it. */
    private static Optional<CublasLibrary> open(String nameOrPath) {
        SymbolLookup symbols;
        try {
            // never unloaded: cuBLAS keeps threads and driver state for the life of the process
            symbols = SymbolLookup.libraryLookup(nameOrPath, Arena.global());
        } catch (IllegalArgumentException notLoadable) {
            return Optional.empty();
        }
        MemorySegment anySymbol = symbols.find("cublasCreate_v2").orElseThrow(() -> new CudaCallException(
                "loading cuBLAS", nameOrPath + " has no cublasCreate_v2: it is not cuBLAS"));
        return Optional.of(new CublasLibrary(symbols, LoadedLibraries.fileOf(anySymbol).orElse(nameOrPath)));
    }

    private static MethodHandle handle(Linker linker, SymbolLookup symbols, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = symbols.find(name).orElseThrow(() -> new CudaCallException("loading cuBLAS",
                "the library has no " + name + " (vae-cuda needs cuBLAS 12 or 13)"));
        return linker.downcallHandle(symbol, descriptor);
    }

    /** Throws a CudaCallException naming {@code call} and the status unless it is CUBLAS_STATUS_SUCCESS. */
    void check(String call, int status) {
        if (status != STATUS_SUCCESS) {
            throw new CudaCallException(call, statusName(status));
        }
    }

    String statusName(int status) {
        MemorySegment name = Downcalls.value(() -> (MemorySegment) statusName.invokeExact(status));
        return name.equals(MemorySegment.NULL) ? "cuBLAS status " + status : Downcalls.cString(name);
    }
}
