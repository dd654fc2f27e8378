package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * cuBLAS's C ABI through FFM, not JCublas: JCublas 12.6 binds {@code libcublas.so.12} (versioned
 * symbols), which machines with only CUDA 13 lack. The library is {@code $VAE_CUBLAS} when set,
 * else {@code libcublas.so.13} or {@code libcublas.so.12} from the loader path, whichever the
 * driver can run first; the downcall handles are looked up once and every status is turned into
 * a {@link CudaCallException} naming the call, in {@link #check}. Loading: {@link NativeLibrary}.
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
    private static final NativeLibrary.Kind KIND = new NativeLibrary.Kind("cuBLAS", OVERRIDE_VARIABLE, "cublasCreate_v2",
            "cuBLAS 12 or 13", "install CUDA's cuBLAS, e.g. the libcublas-12-x or libcublas-13-x package, add its folder"
            + " to LD_LIBRARY_PATH");

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

    private CublasLibrary(NativeLibrary library) {
        file = library.file;
        create = library.downcall("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = library.downcall("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getVersion = library.downcall("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setStream = library.downcall("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setMathMode = library.downcall("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setPointerMode = library.downcall("cublasSetPointerMode_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setWorkspace = library.downcall("cublasSetWorkspace_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        // (handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc)
        sgemm = library.downcall("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        statusName = library.downcall("cublasGetStatusName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /**
     * The cuBLAS library: {@code override} (the value of $VAE_CUBLAS) when not null or blank, else the
     * first of {@code libcublas.so.13} (only when the driver runs CUDA 13) and {@code libcublas.so.12}
     * that the loader finds.
     */
    static CublasLibrary load(String override, int driverVersion) {
        List<String> sonames = driverVersion >= 13000 ? List.of("libcublas.so.13", "libcublas.so.12")
                : List.of("libcublas.so.12");
        return new CublasLibrary(NativeLibrary.load(KIND, override, sonames));
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
