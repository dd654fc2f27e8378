package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Locale;

/**
 * cuDNN 9's C ABI through FFM, not JCudnn: JCudnn's Java API on Maven Central stops at 11.7.0
 * (cuDNN 8), and CUDA 13 machines ship cuDNN 9 only. The convolution API (deprecated in cuDNN 9
 * but shipped, in {@code libcudnn_cnn.so.9}) is reached through the {@code libcudnn.so.9} shim,
 * which loads its sub-libraries on first use. The library is {@code $VAE_CUDNN} when set, else
 * {@code libcudnn.so.9} from the loader path ({@link NativeLibrary}); one of another major is
 * refused. The downcall handles are looked up once; every status is turned into a
 * {@link CudaCallException} naming the call, with cudnnGetErrorString's text, in {@link #call}.
 */
final class CudnnLibrary {
    /** An environment variable naming the cuDNN file, for installs the loader does not find. */
    static final String OVERRIDE_VARIABLE = "VAE_CUDNN";
    // cudnnDataType_t, cudnnTensorFormat_t, cudnnConvolutionMode_t, cudnnMathType_t, cudnnDeterminism_t
    static final int DATA_FLOAT = 0;
    static final int TENSOR_NCHW = 0;
    static final int CROSS_CORRELATION = 1;
    static final int DEFAULT_MATH = 0;
    static final int FMA_MATH = 3;
    static final int DETERMINISTIC = 1;
    static final int STATUS_SUCCESS = 0;
    private static final NativeLibrary.Kind KIND = new NativeLibrary.Kind("cuDNN", OVERRIDE_VARIABLE, "cudnnCreate",
            "cuDNN 9", "install cuDNN 9 for CUDA 12 or 13, e.g. the cudnn9-cuda-13 package, or put the"
            + " nvidia-cudnn-cu13 wheel's lib folder on LD_LIBRARY_PATH");

    final String file;
    final MethodHandle create;
    final MethodHandle destroy;
    final MethodHandle setStream;
    final MethodHandle createTensor;
    final MethodHandle setTensor4d;
    final MethodHandle destroyTensor;
    final MethodHandle createFilter;
    final MethodHandle setFilter4d;
    final MethodHandle destroyFilter;
    final MethodHandle createConvolution;
    final MethodHandle setConvolution2d;
    final MethodHandle setConvolutionMathType;
    final MethodHandle destroyConvolution;
    final MethodHandle forwardOutputDim;
    final Direction forward;
    final Direction backwardData;
    final Direction backwardFilter;
    private final MethodHandle errorString;
    private final long version;

    /**
     * The three calls of one direction of a convolution ("Forward", "BackwardData", "BackwardFilter"),
     * which all take their descriptors as (two inputs', the convolution's, the output's): forward
     * (x, w, y), backward data (w, dy, dx), backward filter (x, dy, dw).
     */
    static final class Direction {
        /** cudnnGetConvolution{name}Algorithm_v7(handle, 4 descriptors, requestedAlgoCount, *returnedAlgoCount, *perfResults). */
        final String algorithmsCall;
        final MethodHandle algorithms;
        /** cudnnGetConvolution{name}WorkspaceSize(handle, 4 descriptors, algo, *sizeInBytes). */
        final String workspaceSizeCall;
        final MethodHandle workspaceSize;
        /** cudnnConvolution{name}(handle, *alpha, aDesc, a, bDesc, b, convDesc, algo, workSpace, workSpaceSizeInBytes, *beta, outDesc, out). */
        final String runCall;
        final MethodHandle run;

        private Direction(NativeLibrary library, String name) {
            algorithmsCall = "cudnnGetConvolution" + name + "Algorithm_v7";
            algorithms = library.downcall(algorithmsCall, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
            workspaceSizeCall = "cudnnGetConvolution" + name + "WorkspaceSize";
            workspaceSize = library.downcall(workspaceSizeCall, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
            runCall = "cudnnConvolution" + name;
            run = library.downcall(runCall, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        }
    }

    private CudnnLibrary(NativeLibrary library) {
        file = library.file;
        FunctionDescriptor onePointer = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        create = library.downcall("cudnnCreate", onePointer);
        destroy = library.downcall("cudnnDestroy", onePointer);
        setStream = library.downcall("cudnnSetStream", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        createTensor = library.downcall("cudnnCreateTensorDescriptor", onePointer);
        // (desc, format, dataType, n, c, h, w)
        setTensor4d = library.downcall("cudnnSetTensor4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroyTensor = library.downcall("cudnnDestroyTensorDescriptor", onePointer);
        createFilter = library.downcall("cudnnCreateFilterDescriptor", onePointer);
        // (desc, dataType, format, k, c, h, w): the data type first, unlike the tensor's
        setFilter4d = library.downcall("cudnnSetFilter4dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroyFilter = library.downcall("cudnnDestroyFilterDescriptor", onePointer);
        createConvolution = library.downcall("cudnnCreateConvolutionDescriptor", onePointer);
        // (desc, pad_h, pad_w, u, v, dilation_h, dilation_w, mode, computeType)
        setConvolution2d = library.downcall("cudnnSetConvolution2dDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        setConvolutionMathType = library.downcall("cudnnSetConvolutionMathType",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        destroyConvolution = library.downcall("cudnnDestroyConvolutionDescriptor", onePointer);
        // (convDesc, xDesc, wDesc, *n, *c, *h, *w)
        forwardOutputDim = library.downcall("cudnnGetConvolution2dForwardOutputDim", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        forward = new Direction(library, "Forward");
        backwardData = new Direction(library, "BackwardData");
        backwardFilter = new Direction(library, "BackwardFilter");
        errorString = library.downcall("cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle getVersion = library.downcall("cudnnGetVersion", FunctionDescriptor.of(JAVA_LONG));
        version = Downcalls.value(() -> (long) getVersion.invokeExact());
    }

    /**
     * The cuDNN library: {@code override} (the value of $VAE_CUDNN) when not null or blank, else
     * {@code libcudnn.so.9} from the loader path; refused unless its major version is 9.
     */
    static CudnnLibrary load(String override) {
        CudnnLibrary library = new CudnnLibrary(NativeLibrary.load(KIND, override, List.of("libcudnn.so.9")));
        if (library.version / 10000 != 9) {
            throw new CudaCallException(KIND.loading(), library.file + " is cuDNN " + library.describeVersion()
                    + "; vae-cuda needs cuDNN 9 (name another file in " + OVERRIDE_VARIABLE + ")");
        }
        return library;
    }

    /** e.g. "cuDNN 9.10.2 (/usr/lib/x86_64-linux-gnu/libcudnn.so.9)", for `info`. */
    String describe() {
        return "cuDNN " + describeVersion() + " (" + file + ")";
    }

    /** e.g. "9.10.2": cudnnGetVersion is major * 10000 + minor * 100 + patch since cuDNN 9, major * 1000 + ... before. */
    private String describeVersion() {
        long major = version >= 10000 ? version / 10000 : version / 1000;
        long minor = version >= 10000 ? version / 100 % 100 : version / 100 % 10;
        return String.format(Locale.ROOT, "%d.%d.%d", major, minor, version % 100);
    }

    /** Makes a cuDNN call; throws a CudaCallException naming it unless it returns CUDNN_STATUS_SUCCESS. */
    void call(String name, Downcalls.Downcall<Integer> downcall) {
        int status = Downcalls.value(downcall);
        if (status != STATUS_SUCCESS) {
            throw new CudaCallException(name, errorString(status));
        }
    }

    /** cudnnGetErrorString's name of {@code status}, e.g. "CUDNN_STATUS_BAD_PARAM". */
    String errorString(int status) {
        MemorySegment text = Downcalls.value(() -> (MemorySegment) errorString.invokeExact(status));
        return text.equals(MemorySegment.NULL) ? "cuDNN status " + status : Downcalls.cString(text);
    }
}
