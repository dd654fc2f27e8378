package dev.vaecuda.backend.cuda.fake;

import static dev.vaecuda.backend.cuda.fake.FakeCuda.*;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.cpu.CpuBackend;
import dev.vaecuda.selftest.Tolerance;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake cuDNN 9 (libcudnn.so.9 of target/fake-cuda): each rule broken on purpose, with its
 * cudnnStatus_t; the three convolutions against the CPU backend on fresh random inputs (the seed
 * is in every failure), blended by alpha and beta, and captured and replayed on the fake driver's
 * streams; the algorithm lists a careless caller trips over.
 */
class FakeCudnnRulesTest {
    static final int CUDNN_STATUS_SUCCESS = 0;
    static final int CUDNN_STATUS_BAD_PARAM = 2000;
    static final int CUDNN_STATUS_BAD_PARAM_NULL_POINTER = 2002;
    static final int CUDNN_STATUS_NOT_SUPPORTED = 3000;
    static final int CUDNN_STATUS_EXECUTION_FAILED = 5000;
    static final int CUDNN_TENSOR_NCHW = 0;
    static final int CUDNN_TENSOR_NHWC = 1;
    static final int CUDNN_DATA_FLOAT = 0;
    static final int CUDNN_DATA_HALF = 2;
    static final int CUDNN_CONVOLUTION = 0;
    static final int CUDNN_CROSS_CORRELATION = 1;
    static final int CUDNN_DEFAULT_MATH = 0;
    static final int CUDNN_TENSOR_OP_MATH = 1;
    static final int CUDNN_FMA_MATH = 3;
    static final int CUDNN_NON_DETERMINISTIC = 0;
    static final int CUDNN_DETERMINISTIC = 1;
    static final int FWD_ALGO_IMPLICIT_GEMM = 0;
    static final int FWD_ALGO_GEMM = 2;
    static final int FWD_ALGO_FFT = 4;
    static final int FWD_ALGO_COUNT = 8;
    // cudnnConvolution*AlgoPerf_t: int algo, int status, float time, size_t memory, int determinism, int mathType, int reserved[3]
    static final long PERF_BYTES = 48;

    /** The three directions: their entry points, and which of the four descriptors and three arrays go where. */
    enum Direction {
        FORWARD("cudnnConvolutionForward", "cudnnGetConvolutionForwardAlgorithm_v7",
                "cudnnFindConvolutionForwardAlgorithm", "cudnnGetConvolutionForwardWorkspaceSize"),
        BACKWARD_DATA("cudnnConvolutionBackwardData", "cudnnGetConvolutionBackwardDataAlgorithm_v7",
                "cudnnFindConvolutionBackwardDataAlgorithm", "cudnnGetConvolutionBackwardDataWorkspaceSize"),
        BACKWARD_FILTER("cudnnConvolutionBackwardFilter", "cudnnGetConvolutionBackwardFilterAlgorithm_v7",
                "cudnnFindConvolutionBackwardFilterAlgorithm", "cudnnGetConvolutionBackwardFilterWorkspaceSize");

        final String run, get, find, workspace;

        Direction(String run, String get, String find, String workspace) {
            this.run = run;
            this.get = get;
            this.find = find;
            this.workspace = workspace;
        }

        /** The descriptors in the order of the direction's calls: (x, w, y), (w, dy, dx) or (x, dy, dw), the convolution's third. */
        MemorySegment[] descriptors(Problem p) {
            return switch (this) {
                case FORWARD -> new MemorySegment[] {p.x, p.w, p.conv, p.y};
                case BACKWARD_DATA -> new MemorySegment[] {p.w, p.y, p.conv, p.x};
                case BACKWARD_FILTER -> new MemorySegment[] {p.x, p.y, p.conv, p.w};
            };
        }
    }

    /** A convolution's four descriptors, set for shape over rows images. */
    record Problem(ConvShape shape, int rows, MemorySegment x, MemorySegment w, MemorySegment conv, MemorySegment y) {
    }

    /** Device arrays of one problem: x, w and y (for the backward calls: dx, dw and dy). */
    record Arrays(long x, long w, long y) {
    }

    private final long seed = new SplittableRandom().nextLong();
    private final SplittableRandom random = new SplittableRandom(seed);
    private FakeCuda cuda;
    private SymbolLookup cudnn;

    @BeforeEach
    void freshDriver() {
        cuda = FakeCuda.fresh();
        cuda.initWithContext();
        cudnn = FakeCuda.library("libcudnn.so.9");
    }

    private int call(String name, Object... args) {
        return cuda.call(cudnn, name, args);
    }

    private MemorySegment createHandle() {
        MemorySegment handle = cuda.out();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnCreate", handle));
        return MemorySegment.ofAddress(value(handle));
    }

    private MemorySegment created(String kind) {
        MemorySegment descriptor = cuda.out();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnCreate" + kind + "Descriptor", descriptor));
        return MemorySegment.ofAddress(value(descriptor));
    }

    private MemorySegment tensor(int n, int c, int h, int w) {
        MemorySegment descriptor = created("Tensor");
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetTensor4dDescriptor", descriptor, CUDNN_TENSOR_NCHW,
                CUDNN_DATA_FLOAT, n, c, h, w));
        return descriptor;
    }

    private MemorySegment filter(int k, int c, int r, int s) {
        MemorySegment descriptor = created("Filter");
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetFilter4dDescriptor", descriptor, CUDNN_DATA_FLOAT,
                CUDNN_TENSOR_NCHW, k, c, r, s));
        return descriptor;
    }

    private MemorySegment convolution(int pad, int stride, int mode, int dilation) {
        MemorySegment descriptor = created("Convolution");
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetConvolution2dDescriptor", descriptor, pad, pad, stride, stride,
                dilation, dilation, mode, CUDNN_DATA_FLOAT));
        return descriptor;
    }

    private Problem problem(ConvShape s, int rows) {
        return new Problem(s, rows, tensor(rows, s.inChannels(), s.inHeight(), s.inWidth()),
                filter(s.outChannels(), s.inChannels(), s.kernel(), s.kernel()),
                convolution(s.padding(), s.stride(), CUDNN_CROSS_CORRELATION, 1),
                tensor(rows, s.outChannels(), s.outHeight(), s.outWidth()));
    }

    private Problem withY(Problem p, MemorySegment y) {
        return new Problem(p.shape, p.rows, p.x, p.w, p.conv, y);
    }

    private Arrays arrays(Problem p) {
        ConvShape s = p.shape;
        return new Arrays(upload(p.rows * s.inputSize()), upload(s.weightSize()), upload(p.rows * s.outputSize()));
    }

    /** A device array of random values in [-1, 1); its values by download. */
    private long upload(int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        long device = cuda.alloc(4L * length);
        cuda.upload(device, values);
        return device;
    }

    private MemorySegment scalar(float value) {
        return cuda.arena.allocateFrom(JAVA_FLOAT, value);
    }

    /** The direction's call: inputs and output as its arrays are (forward: x, w into y; backward data: w, dy into dx; backward filter: x, dy into dw). */
    private int run(Direction d, MemorySegment handle, float alpha, Problem p, Arrays a, int algo, long workspace,
                    long workspaceBytes, float beta) {
        return run(d, handle, scalar(alpha), p, a, algo, workspace, workspaceBytes, scalar(beta));
    }

    private int run(Direction d, MemorySegment handle, MemorySegment alpha, Problem p, Arrays a, int algo,
                    long workspace, long workspaceBytes, MemorySegment beta) {
        MemorySegment[] desc = d.descriptors(p);
        long[] arrays = switch (d) {
            case FORWARD -> new long[] {a.x, a.w, a.y};
            case BACKWARD_DATA -> new long[] {a.w, a.y, a.x};
            case BACKWARD_FILTER -> new long[] {a.x, a.y, a.w};
        };
        return call(d.run, handle, alpha, desc[0], arrays[0], desc[1], arrays[1], desc[2], algo, workspace,
                workspaceBytes, beta, desc[3], arrays[2]);
    }

    private long workspaceSize(Direction d, MemorySegment handle, Problem p, int algo) {
        MemorySegment[] desc = d.descriptors(p);
        MemorySegment bytes = cuda.out();
        assertEquals(CUDNN_STATUS_SUCCESS, call(d.workspace, handle, desc[0], desc[1], desc[2], desc[3], algo, bytes));
        return value(bytes);
    }

    /** One entry of an algorithm list. */
    record Perf(int algo, int status, float time, long memory, int determinism, int mathType) {
    }

    /** What cudnnGet*_v7 (or cudnnFind*) returned, and its list. */
    record Listed(int status, List<Perf> perfs) {
    }

    private Listed list(String entry, Direction d, MemorySegment handle, Problem p, int requested) {
        MemorySegment[] desc = d.descriptors(p);
        MemorySegment returned = cuda.arena.allocate(JAVA_INT);
        MemorySegment results = cuda.arena.allocate(PERF_BYTES * Math.max(1, requested), 8);
        int status = call(entry, handle, desc[0], desc[1], desc[2], desc[3], requested, returned, results);
        List<Perf> perfs = new ArrayList<>();
        for (int i = 0; status == CUDNN_STATUS_SUCCESS && i < returned.get(JAVA_INT, 0); i++) {
            MemorySegment perf = results.asSlice(i * PERF_BYTES, PERF_BYTES);
            perfs.add(new Perf(perf.get(JAVA_INT, 0), perf.get(JAVA_INT, 4), perf.get(JAVA_FLOAT, 8),
                    perf.get(JAVA_LONG, 16), perf.get(JAVA_INT, 24), perf.get(JAVA_INT, 28)));
        }
        return new Listed(status, perfs);
    }

    // ---- versions and names

    @Test
    void reportsCudnn9Versions() {
        assertEquals(91000L, cuda.callLong(cudnn, "cudnnGetVersion"));
        cuda.setenv("FAKE_CUDNN_VERSION", "8907");
        try {
            assertEquals(8907L, cuda.callLong(cudnn, "cudnnGetVersion"));
        } finally {
            cuda.unsetenv("FAKE_CUDNN_VERSION");
        }
        MemorySegment value = cuda.out();
        int[] expected = {9, 10, 0};
        for (int type = 0; type < 3; type++) {
            assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnGetProperty", type, value));
            assertEquals(expected[type], intValue(value));
        }
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnGetProperty", 3, value));
    }

    @Test
    void namesItsStatuses() throws Throwable {
        var name = Linker.nativeLinker().downcallHandle(cudnn.findOrThrow("cudnnGetErrorString"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MemorySegment text = (MemorySegment) name.invokeExact(CUDNN_STATUS_BAD_PARAM_NULL_POINTER);
        assertEquals("CUDNN_STATUS_BAD_PARAM_NULL_POINTER", text.reinterpret(64).getString(0));
    }

    // ---- handles

    /** As the real one, through the CUDA runtime: cudnnCreate initialises the driver and makes the primary context current. */
    @Test
    void createInitialisesTheDriver() {
        cuda = FakeCuda.fresh();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnCreate", cuda.out()));
        MemorySegment context = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuCtxGetCurrent", context));
        assertNotEquals(0L, value(context));
    }

    @Test
    void nullPointersAreBadParamNullPointer() {
        assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, call("cudnnCreate", MemorySegment.NULL));
        assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, call("cudnnSetStream", MemorySegment.NULL, MemorySegment.NULL));
        MemorySegment handle = createHandle();
        assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, call("cudnnGetStream", handle, MemorySegment.NULL));
        assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, call("cudnnCreateTensorDescriptor", MemorySegment.NULL));
        Problem p = problem(new ConvShape(2, 5, 5, 3, 3, 1, 1), 2);
        Arrays a = arrays(p);
        for (Direction d : Direction.values()) {
            assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER,
                    run(d, MemorySegment.NULL, 1f, p, a, 0, 0L, 0L, 0f), d + ": handle");
            assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER,
                    run(d, handle, MemorySegment.NULL, p, a, 0, 0L, 0L, scalar(0f)), d + ": alpha");
            assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER,
                    run(d, handle, scalar(1f), p, a, 0, 0L, 0L, MemorySegment.NULL), d + ": beta");
            assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER,
                    run(d, handle, 1f, p, new Arrays(0L, a.w, a.y), 0, 0L, 0L, 0f), d + ": x");
            assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER,
                    run(d, handle, 1f, p, new Arrays(a.x, 0L, a.y), 0, 0L, 0L, 0f), d + ": w");
            assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER,
                    run(d, handle, 1f, p, new Arrays(a.x, a.w, 0L), 0, 0L, 0L, 0f), d + ": y");
            assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER,
                    run(d, handle, 1f, withY(p, MemorySegment.NULL), a, 0, 0L, 0L, 0f), d + ": a descriptor");
        }
    }

    @Test
    void aDestroyedHandleIsBadParam() {
        MemorySegment handle = createHandle();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnDestroy", handle));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetStream", handle, MemorySegment.NULL));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnDestroy", handle));
        Problem p = problem(new ConvShape(1, 4, 4, 1, 3, 1, 0), 1);
        assertEquals(CUDNN_STATUS_BAD_PARAM, run(Direction.FORWARD, handle, 1f, p, arrays(p), 0, 0L, 0L, 0f));
    }

    @Test
    void theStreamIsKept() {
        MemorySegment handle = createHandle(), stream = cuda.stream(), got = cuda.out();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetStream", handle, stream));
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnGetStream", handle, got));
        assertEquals(stream.address(), value(got));
    }

    // ---- descriptors

    /** A descriptor never set, destroyed, or of another kind, is refused by every call that reads it. */
    @Test
    void aDescriptorNotSetDestroyedOrOfTheWrongKindIsBadParam() {
        MemorySegment handle = createHandle();
        ConvShape s = new ConvShape(2, 6, 6, 3, 3, 1, 1);
        Problem p = problem(s, 2);
        Arrays a = arrays(p);
        MemorySegment destroyed = tensor(2, 3, 6, 6);
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnDestroyTensorDescriptor", destroyed));
        List<Problem> broken = List.of(withY(p, created("Tensor")), withY(p, destroyed), withY(p, p.w),
                new Problem(s, 2, p.x, p.w, created("Convolution"), p.y), new Problem(s, 2, p.x, p.y, p.conv, p.y));
        for (Problem bad : broken) {
            for (Direction d : Direction.values()) {
                assertEquals(CUDNN_STATUS_BAD_PARAM, run(d, handle, 1f, bad, a, 0, 0L, 0L, 0f), d + " " + bad);
                assertEquals(CUDNN_STATUS_BAD_PARAM, list(d.get, d, handle, bad, 4).status(), d + " " + bad);
            }
        }
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnDestroyTensorDescriptor", destroyed), "destroyed twice");
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnDestroyFilterDescriptor", p.x), "a tensor as a filter");
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnDestroyTensorDescriptor", MemorySegment.NULL));
    }

    @Test
    void settersRefuseValuesOutOfRange() {
        MemorySegment t = created("Tensor"), f = created("Filter"), c = created("Convolution");
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetTensor4dDescriptor", t, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 0, 1, 1, 1));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetTensor4dDescriptor", t, 7, CUDNN_DATA_FLOAT, 1, 1, 1, 1));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetFilter4dDescriptor", f, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 1, -1, 3, 3));
        assertEquals(CUDNN_STATUS_NOT_SUPPORTED, call("cudnnSetTensor4dDescriptor", t, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT,
                65536, 65536, 1, 1), "over two giga-elements");
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetConvolution2dDescriptor", c, -1, 0, 1, 1, 1, 1,
                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetConvolution2dDescriptor", c, 0, 0, 0, 1, 1, 1,
                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetConvolution2dDescriptor", c, 0, 0, 1, 1, 0, 1,
                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetConvolution2dDescriptor", c, 0, 0, 1, 1, 1, 1, 2, CUDNN_DATA_FLOAT));
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnSetConvolutionMathType", c, 4));
        MemorySegment math = cuda.out();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetConvolutionMathType", c, CUDNN_FMA_MATH));
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetConvolution2dDescriptor", c, 1, 1, 2, 2, 1, 1,
                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnGetConvolutionMathType", c, math));
        assertEquals(CUDNN_FMA_MATH, intValue(math), "setting the geometry keeps the math type");
    }

    @Test
    void outputDimsAreTheConvolutions() {
        MemorySegment n = cuda.out(), c = cuda.out(), h = cuda.out(), w = cuda.out();
        // x (3, 5, 7, 9), filter (4, 5, 3, 3), padding 1, stride 2: 4 x 5
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnGetConvolution2dForwardOutputDim",
                convolution(1, 2, CUDNN_CROSS_CORRELATION, 1), tensor(3, 5, 7, 9), filter(4, 5, 3, 3), n, c, h, w));
        assertArrayEquals(new int[] {3, 4, 4, 5}, new int[] {intValue(n), intValue(c), intValue(h), intValue(w)});
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnGetConvolution2dForwardOutputDim",
                convolution(1, 2, CUDNN_CROSS_CORRELATION, 1), tensor(3, 4, 7, 9), filter(4, 5, 3, 3), n, c, h, w),
                "x has 4 channels, the filter 5");
        assertEquals(CUDNN_STATUS_BAD_PARAM, call("cudnnGetConvolution2dForwardOutputDim",
                convolution(0, 1, CUDNN_CROSS_CORRELATION, 1), tensor(1, 1, 2, 9), filter(1, 1, 3, 3), n, c, h, w),
                "a 3x3 filter larger than a 2-row input");
    }

    // ---- sizes, modes, algorithms and workspaces

    @Test
    void disagreeingSizesAreBadParamAndAnotherOutputSizeNotSupported() {
        MemorySegment handle = createHandle();
        ConvShape s = new ConvShape(3, 7, 6, 4, 3, 2, 1);
        Problem p = problem(s, 2);
        Arrays a = arrays(p);
        int oh = s.outHeight(), ow = s.outWidth();
        List<Problem> badParam = List.of(withY(p, tensor(3, 4, oh, ow)), withY(p, tensor(2, 5, oh, ow)),
                new Problem(s, 2, p.x, filter(4, 2, 3, 3), p.conv, p.y));
        List<Problem> notSupported = List.of(withY(p, tensor(2, 4, oh + 1, ow)), withY(p, tensor(2, 4, oh, ow - 1)));
        for (Direction d : Direction.values()) {
            for (Problem bad : badParam) {
                assertEquals(CUDNN_STATUS_BAD_PARAM, run(d, handle, 1f, bad, a, 0, 0L, 0L, 0f), d + " batch or channels");
            }
            for (Problem bad : notSupported) {
                assertEquals(CUDNN_STATUS_NOT_SUPPORTED, run(d, handle, 1f, bad, a, 0, 0L, 0L, 0f), d + " output size");
            }
        }
    }

    /** What the fake does not model: true convolution, dilation, half precision, NHWC. */
    @Test
    void whatTheFakeDoesNotModelIsNotSupported() {
        MemorySegment handle = createHandle();
        ConvShape s = new ConvShape(2, 6, 6, 3, 3, 1, 1);
        Problem p = problem(s, 1);
        Arrays a = arrays(p);
        MemorySegment half = created("Tensor"), nhwc = created("Tensor");
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetTensor4dDescriptor", half, CUDNN_TENSOR_NCHW, CUDNN_DATA_HALF, 1, 3, 6, 6));
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetTensor4dDescriptor", nhwc, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, 1, 3, 6, 6));
        List<Problem> unmodelled = List.of(new Problem(s, 1, p.x, p.w, convolution(1, 1, CUDNN_CONVOLUTION, 1), p.y),
                withY(p, half), withY(p, nhwc));
        for (Problem bad : unmodelled) {
            assertEquals(CUDNN_STATUS_NOT_SUPPORTED, run(Direction.FORWARD, handle, 1f, bad, a, 0, 0L, 0L, 0f));
        }
        // dilation 2 spans 5 taps: the output is 4x4
        Problem dilated = new Problem(s, 1, p.x, p.w, convolution(1, 1, CUDNN_CROSS_CORRELATION, 2), tensor(1, 3, 4, 4));
        assertEquals(CUDNN_STATUS_NOT_SUPPORTED, run(Direction.FORWARD, handle, 1f, dilated, a, 0, 0L, 0L, 0f));
    }

    @Test
    void algorithmsOutsideTheirEnumAreBadParamAndThoseNotOfferedNotSupported() {
        MemorySegment handle = createHandle();
        Problem p = problem(new ConvShape(2, 5, 5, 3, 3, 1, 1), 2);
        Arrays a = arrays(p);
        assertEquals(CUDNN_STATUS_BAD_PARAM, run(Direction.FORWARD, handle, 1f, p, a, FWD_ALGO_COUNT, 0L, 0L, 0f));
        assertEquals(CUDNN_STATUS_BAD_PARAM, run(Direction.FORWARD, handle, 1f, p, a, -1, 0L, 0L, 0f));
        assertEquals(CUDNN_STATUS_BAD_PARAM, run(Direction.BACKWARD_DATA, handle, 1f, p, a, 6, 0L, 0L, 0f));
        assertEquals(CUDNN_STATUS_BAD_PARAM, run(Direction.BACKWARD_FILTER, handle, 1f, p, a, 7, 0L, 0L, 0f));
        assertEquals(CUDNN_STATUS_NOT_SUPPORTED, run(Direction.FORWARD, handle, 1f, p, a, FWD_ALGO_FFT, 0L, 0L, 0f));
        MemorySegment[] desc = Direction.FORWARD.descriptors(p);
        assertEquals(CUDNN_STATUS_BAD_PARAM, call(Direction.FORWARD.workspace, handle, desc[0], desc[1], desc[2], desc[3],
                FWD_ALGO_COUNT, cuda.out()));
        assertEquals(CUDNN_STATUS_NOT_SUPPORTED, call(Direction.FORWARD.workspace, handle, desc[0], desc[1], desc[2],
                desc[3], FWD_ALGO_FFT, cuda.out()));
    }

    /** The GEMM algorithms need their im2col buffer, C * R * S * OH * OW * N floats; less, or none, is refused. */
    @Test
    void aWorkspaceSmallerThanTheAlgorithmsIsRefused() {
        MemorySegment handle = createHandle();
        ConvShape s = new ConvShape(3, 7, 6, 4, 3, 2, 1);
        Problem p = problem(s, 2);
        Arrays a = arrays(p);
        long im2col = 4L * 3 * 3 * 3 * s.outHeight() * s.outWidth() * 2;
        assertEquals(im2col, workspaceSize(Direction.FORWARD, handle, p, FWD_ALGO_GEMM));
        assertEquals(0, workspaceSize(Direction.FORWARD, handle, p, FWD_ALGO_IMPLICIT_GEMM));
        long workspace = cuda.alloc(im2col);
        assertEquals(CUDNN_STATUS_BAD_PARAM, run(Direction.FORWARD, handle, 1f, p, a, FWD_ALGO_GEMM, workspace, im2col - 1, 0f));
        assertEquals(CUDNN_STATUS_BAD_PARAM_NULL_POINTER, run(Direction.FORWARD, handle, 1f, p, a, FWD_ALGO_GEMM, 0L, im2col, 0f));
        assertEquals(CUDNN_STATUS_SUCCESS, run(Direction.FORWARD, handle, 1f, p, a, FWD_ALGO_GEMM, workspace, im2col, 0f));
        for (Direction d : Direction.values()) {
            for (Perf perf : list(d.get, d, handle, p, 8).perfs()) {
                long needed = workspaceSize(d, handle, p, perf.algo());
                assertEquals(needed, perf.memory(), d + " algorithm " + perf.algo());
                if (needed > 0) {
                    assertEquals(CUDNN_STATUS_BAD_PARAM, run(d, handle, 1f, p, a, perf.algo(), 0L, 0L, 0f),
                            d + " algorithm " + perf.algo() + " without its workspace");
                }
            }
        }
    }

    /**
     * The lists a careless caller trips over: the fastest backward algorithm is non-deterministic,
     * some need a workspace, and tensor-op variants come unless the descriptor says FMA math.
     */
    @Test
    void algorithmListsPutTheNonDeterministicFirstAndFollowTheMathType() {
        MemorySegment handle = createHandle();
        Problem p = problem(new ConvShape(3, 7, 6, 4, 3, 2, 1), 2);
        for (Direction d : Direction.values()) {
            List<Perf> perfs = list(d.get, d, handle, p, 8).perfs();
            assertTrue(perfs.stream().anyMatch(perf -> perf.determinism() == CUDNN_DETERMINISTIC), d.toString());
            assertTrue(perfs.stream().anyMatch(perf -> perf.memory() > 0), d + ": one needs a workspace");
            assertTrue(perfs.stream().anyMatch(perf -> perf.mathType() == CUDNN_TENSOR_OP_MATH), d + ": tensor ops");
            assertTrue(perfs.stream().allMatch(perf -> perf.status() == CUDNN_STATUS_SUCCESS), d.toString());
            if (d != Direction.FORWARD) {
                assertEquals(CUDNN_NON_DETERMINISTIC, perfs.get(0).determinism(), d + ": the fastest");
            }
            assertEquals(1, list(d.get, d, handle, p, 1).perfs().size());
            assertEquals(CUDNN_STATUS_BAD_PARAM, list(d.get, d, handle, p, 0).status());
        }
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetConvolutionMathType", p.conv, CUDNN_FMA_MATH));
        for (Direction d : Direction.values()) {
            List<Perf> perfs = list(d.get, d, handle, p, 8).perfs();
            assertTrue(!perfs.isEmpty() && perfs.stream().allMatch(perf -> perf.mathType() == CUDNN_FMA_MATH),
                    d + ": FMA math only, " + perfs);
        }
    }

    /** cudnnFind* runs and waits for its trials, which a capture forbids; the heuristics (Get_v7) touch no stream. */
    @Test
    void findWhileTheStreamCapturesFailsAndInvalidatesTheCapture() {
        MemorySegment handle = createHandle(), stream = cuda.stream();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetStream", handle, stream));
        Problem p = problem(new ConvShape(2, 5, 5, 3, 3, 1, 1), 2);
        for (Direction d : Direction.values()) {
            List<Perf> found = list(d.find, d, handle, p, 8).perfs();
            assertTrue(found.size() > 1 && found.get(0).time() <= found.get(1).time(), d + ": fastest first, " + found);
            assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
            assertEquals(CUDNN_STATUS_SUCCESS, list(d.get, d, handle, p, 8).status(), d + ": heuristics while capturing");
            assertEquals(CUDNN_STATUS_EXECUTION_FAILED, list(d.find, d, handle, p, 8).status(), d + ": find while capturing");
            assertEquals(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, cuda.call("cuStreamEndCapture", stream, cuda.out()));
        }
    }

    /** An array outside the driver's allocations faults as a kernel does: sticky, said by the driver calls that follow. */
    @Test
    void anArrayOutsideTheAllocationsIsAStickyIllegalAddress() {
        MemorySegment handle = createHandle();
        Problem p = problem(new ConvShape(2, 5, 5, 3, 3, 1, 1), 2);
        Arrays a = arrays(p);
        long tooSmall = cuda.alloc(16);
        assertEquals(CUDNN_STATUS_SUCCESS, run(Direction.FORWARD, handle, 1f, p, new Arrays(a.x, a.w, tooSmall), 0, 0L, 0L, 0f));
        assertEquals(CUDA_ERROR_ILLEGAL_ADDRESS, cuda.call("cuCtxSynchronize"));
        assertEquals(CUDA_ERROR_ILLEGAL_ADDRESS, cuda.call("cuMemAlloc_v2", cuda.out(), 64L));
    }

    @Test
    void aWorkspaceOutsideTheAllocationsIsAStickyIllegalAddress() {
        MemorySegment handle = createHandle();
        Problem p = problem(new ConvShape(2, 5, 5, 3, 3, 1, 1), 2);
        Arrays a = arrays(p);
        long needed = workspaceSize(Direction.FORWARD, handle, p, FWD_ALGO_GEMM);
        long tooSmall = cuda.alloc(16);
        assertEquals(CUDNN_STATUS_SUCCESS, run(Direction.FORWARD, handle, 1f, p, a, FWD_ALGO_GEMM, tooSmall, needed, 0f),
                "the workspace's size is said, not checked, by the call");
        assertEquals(CUDA_ERROR_ILLEGAL_ADDRESS, cuda.call("cuCtxSynchronize"));
    }

    // ---- the math

    /** (shape, rows): batch 1, odd channels, non-square maps, strides 1 and 2, padding 0 and 1, kernels 1, 3 and 4. */
    private static final List<Object[]> SHAPES = List.of(
            new Object[] {new ConvShape(1, 28, 28, 32, 4, 2, 1), 2},
            new Object[] {new ConvShape(3, 5, 7, 5, 3, 1, 1), 1},
            new Object[] {new ConvShape(5, 6, 9, 3, 4, 2, 1), 3},
            new Object[] {new ConvShape(7, 9, 4, 1, 3, 2, 0), 2},
            new Object[] {new ConvShape(3, 8, 5, 4, 1, 1, 0), 1},
            new Object[] {new ConvShape(4, 8, 8, 3, 3, 2, 0), 3});

    /**
     * Each output sums terms (products of values in [-1, 1)) in float, here and on the CPU in
     * other orders: terms * 1e-6 absolute covers the rounding of such sums (as GemmPrecision.FP32's);
     * scaled by alpha, plus beta * out's own rounding.
     */
    private static Tolerance sumOf(int terms, float alpha) {
        return new Tolerance(Math.abs(alpha) * 1e-6 * terms + 1e-7, 1e-5);
    }

    /** The CPU backend's result of the direction over the device arrays' values: y, dx or dw. */
    private float[] reference(Direction d, ConvShape s, int rows, Arrays a) {
        try (CpuBackend cpu = new CpuBackend(1)) {
            DeviceBuffer x = put(cpu, a.x, rows * s.inputSize()), w = put(cpu, a.w, s.weightSize());
            DeviceBuffer y = put(cpu, a.y, rows * s.outputSize());
            DeviceBuffer out = cpu.allocate(d == Direction.FORWARD ? rows * s.outputSize()
                    : d == Direction.BACKWARD_DATA ? rows * s.inputSize() : s.weightSize());
            switch (d) {
                case FORWARD -> cpu.convForward(s, x, w, out, rows);
                case BACKWARD_DATA -> cpu.convBackwardData(s, y, w, out, rows);
                case BACKWARD_FILTER -> cpu.convBackwardFilter(s, x, y, out, rows);
            }
            return cpu.download(out);
        }
    }

    private DeviceBuffer put(CpuBackend cpu, long device, int length) {
        DeviceBuffer buffer = cpu.allocate(length);
        cpu.upload(cuda.download(device, length), buffer);
        return buffer;
    }

    /** The direction's output array and its length. */
    private static long output(Direction d, Arrays a) {
        return d == Direction.FORWARD ? a.y : d == Direction.BACKWARD_DATA ? a.x : a.w;
    }

    private static int outputLength(Direction d, ConvShape s, int rows) {
        return d == Direction.FORWARD ? rows * s.outputSize() : d == Direction.BACKWARD_DATA ? rows * s.inputSize()
                : s.weightSize();
    }

    /** How many terms each output of the direction sums. */
    private static int terms(Direction d, ConvShape s, int rows) {
        int taps = s.kernel() * s.kernel();
        return d == Direction.FORWARD ? s.inChannels() * taps : d == Direction.BACKWARD_DATA ? s.outChannels() * taps
                : rows * s.outHeight() * s.outWidth();
    }

    /** Every offered algorithm of every direction, over an output of NaNs (beta 0 never reads it): the CPU backend's result. */
    @Test
    void everyAlgorithmComputesTheCpuBackendsConvolutions() {
        MemorySegment handle = createHandle();
        for (Object[] shape : SHAPES) {
            ConvShape s = (ConvShape) shape[0];
            int rows = (Integer) shape[1];
            Problem p = problem(s, rows);
            Arrays a = arrays(p);
            for (Direction d : Direction.values()) {
                float[] expected = reference(d, s, rows, a);
                for (Perf perf : list(d.get, d, handle, p, 8).perfs()) {
                    long out = output(d, a);
                    int length = outputLength(d, s, rows);
                    float[] nans = new float[length];
                    java.util.Arrays.fill(nans, Float.NaN);
                    cuda.upload(out, nans);
                    long workspace = perf.memory() == 0 ? 0L : cuda.alloc(perf.memory());
                    assertEquals(CUDNN_STATUS_SUCCESS, run(d, handle, 1f, p, a, perf.algo(), workspace, perf.memory(), 0f));
                    sumOf(terms(d, s, rows), 1f).assertClose(d + " algorithm " + perf.algo() + ", " + s + ", " + rows
                            + " rows, seed " + seed, expected, cuda.download(out, length));
                }
            }
        }
    }

    /** out = alpha * result + beta * out, in each direction. */
    @Test
    void alphaAndBetaBlendTheResultIntoTheOutput() {
        MemorySegment handle = createHandle();
        ConvShape s = new ConvShape(3, 7, 6, 4, 3, 2, 1);
        int rows = 2;
        Problem p = problem(s, rows);
        float alpha = 2f, beta = 0.5f;
        for (Direction d : Direction.values()) {
            Arrays a = arrays(p);
            float[] result = reference(d, s, rows, a);
            float[] before = cuda.download(output(d, a), result.length);
            assertEquals(CUDNN_STATUS_SUCCESS, run(d, handle, alpha, p, a, 0, 0L, 0L, beta));
            float[] expected = new float[result.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = alpha * result[i] + beta * before[i];
            }
            sumOf(terms(d, s, rows), alpha).assertClose(d + ", seed " + seed, expected,
                    cuda.download(output(d, a), result.length));
        }
    }

    /** A captured convolution does not run; each replay runs it with the pointers and the alpha and beta of its capture. */
    @Test
    void aCapturedConvolutionReplaysWithItsCapturedScalars() {
        MemorySegment handle = createHandle(), stream = cuda.stream();
        assertEquals(CUDNN_STATUS_SUCCESS, call("cudnnSetStream", handle, stream));
        ConvShape s = new ConvShape(3, 7, 6, 4, 3, 2, 1);
        int rows = 2;
        Problem p = problem(s, rows);
        Arrays a = arrays(p);
        float[] expected = reference(Direction.FORWARD, s, rows, a);
        int length = rows * s.outputSize();
        cuda.upload(a.y, new float[length]);
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamBeginCapture_v2", stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        MemorySegment alpha = scalar(3f);
        assertEquals(CUDNN_STATUS_SUCCESS, run(Direction.FORWARD, handle, alpha, p, a, 0, 0L, 0L, scalar(0f)));
        MemorySegment graph = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuStreamEndCapture", stream, graph));
        assertArrayEquals(new float[length], cuda.download(a.y, length), "a captured convolution does not run");
        alpha.set(JAVA_FLOAT, 0, 100f);
        MemorySegment exec = cuda.out();
        assertEquals(CUDA_SUCCESS, cuda.call("cuGraphInstantiateWithFlags", exec, MemorySegment.ofAddress(value(graph)), 0L));
        for (int replay = 0; replay < 2; replay++) {
            assertEquals(CUDA_SUCCESS, cuda.call("cuGraphLaunch", MemorySegment.ofAddress(value(exec)), stream));
        }
        for (int i = 0; i < length; i++) {
            expected[i] *= 3f;
        }
        sumOf(terms(Direction.FORWARD, s, rows), 3f).assertClose("replayed, seed " + seed, expected,
                cuda.download(a.y, length));
    }
}
