package dev.vaecuda.backend.cuda;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.vaecuda.backend.ConvShape;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * cuDNN's set-up for one {@link ConvShape} over a number of rows, made once (never inside a
 * capture): NCHW float descriptors for x (rows, inC, inH, inW) and y (rows, outC, outH, outW), the
 * filter's (outC, inC, k, k), the convolution's (cross-correlation, as torch's conv2d), and for
 * each of the three calls the first algorithm cuDNN's heuristics suggest that is deterministic (a
 * run repeats bit for bit), of the handle's math type and within its workspace. Then each call is
 * one cuDNN call, alpha 1 and beta 0: the output is overwritten.
 */
final class ConvolutionPlan implements AutoCloseable {
    // room for every suggestion: CUDNN_CONVOLUTION_FWD_ALGO_COUNT, the longest of the three algorithm enums
    private static final int REQUESTED_ALGORITHMS = 8;
    // cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t, alike: {int algo; cudnnStatus_t status; float time;
    // size_t memory; cudnnDeterminism_t determinism; cudnnMathType_t mathType; int reserved[3]}, 48 bytes
    private static final StructLayout PERF = MemoryLayout.structLayout(JAVA_INT.withName("algo"),
            JAVA_INT.withName("status"), JAVA_FLOAT.withName("time"), MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("memory"), JAVA_INT.withName("determinism"), JAVA_INT.withName("mathType"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("reserved"), MemoryLayout.paddingLayout(4));
    private static final long ALGO = PERF.byteOffset(groupElement("algo"));
    private static final long STATUS = PERF.byteOffset(groupElement("status"));
    private static final long MEMORY = PERF.byteOffset(groupElement("memory"));
    private static final long DETERMINISM = PERF.byteOffset(groupElement("determinism"));
    private static final long MATH_TYPE = PERF.byteOffset(groupElement("mathType"));

    private final CudnnHandle cudnn;
    private final CudnnLibrary library;
    private final String description;
    // the descriptors' destroy calls, most recent first
    private final Deque<Runnable> releases = new ArrayDeque<>();
    private final MemorySegment x;
    private final MemorySegment y;
    private final MemorySegment w;
    private final MemorySegment convolution;
    private final int forwardAlgorithm;
    private final int backwardDataAlgorithm;
    private final int backwardFilterAlgorithm;

    /** The plan of {@code shape} over {@code rows} images, on {@code cudnn}'s handle, workspace and math type. */
    ConvolutionPlan(CudnnHandle cudnn, ConvShape shape, int rows) {
        this.cudnn = cudnn;
        this.library = cudnn.library;
        this.description = shape + " over " + rows + " rows";
        try {
            x = tensor(rows, shape.inChannels(), shape.inHeight(), shape.inWidth());
            y = tensor(rows, shape.outChannels(), shape.outHeight(), shape.outWidth());
            w = descriptor("cudnnCreateFilterDescriptor", library.createFilter, "cudnnDestroyFilterDescriptor",
                    library.destroyFilter);
            library.call("cudnnSetFilter4dDescriptor", () -> (int) library.setFilter4d.invokeExact(w,
                    CudnnLibrary.DATA_FLOAT, CudnnLibrary.TENSOR_NCHW, shape.outChannels(), shape.inChannels(),
                    shape.kernel(), shape.kernel()));
            convolution = descriptor("cudnnCreateConvolutionDescriptor", library.createConvolution,
                    "cudnnDestroyConvolutionDescriptor", library.destroyConvolution);
            int pad = shape.padding(), stride = shape.stride();
            library.call("cudnnSetConvolution2dDescriptor", () -> (int) library.setConvolution2d.invokeExact(convolution,
                    pad, pad, stride, stride, 1, 1, CudnnLibrary.CROSS_CORRELATION, CudnnLibrary.DATA_FLOAT));
            library.call("cudnnSetConvolutionMathType", () -> (int) library.setConvolutionMathType.invokeExact(
                    convolution, cudnn.mathType));
            checkOutputDimensions(rows, shape);
            forwardAlgorithm = choose(library.forward, x, w, y);
            backwardDataAlgorithm = choose(library.backwardData, w, y, x);
            backwardFilterAlgorithm = choose(library.backwardFilter, x, y, w);
        } catch (RuntimeException e) {
            Faults faults = new Faults(e);
            releases.forEach(faults::run);
            throw e;
        }
    }

    /** cudnnConvolutionForward: y = x convolved with w, overwritten. */
    void forward(long xAddress, long wAddress, long yAddress) {
        run(library.forward, x, xAddress, w, wAddress, forwardAlgorithm, y, yAddress);
    }

    /** cudnnConvolutionBackwardData: dx from dy and w, overwritten. */
    void backwardData(long dyAddress, long wAddress, long dxAddress) {
        run(library.backwardData, w, wAddress, y, dyAddress, backwardDataAlgorithm, x, dxAddress);
    }

    /** cudnnConvolutionBackwardFilter: dw from x and dy, summed over the rows, overwritten. */
    void backwardFilter(long xAddress, long dyAddress, long dwAddress) {
        run(library.backwardFilter, x, xAddress, y, dyAddress, backwardFilterAlgorithm, w, dwAddress);
    }

    private void run(CudnnLibrary.Direction direction, MemorySegment aDescriptor, long a, MemorySegment bDescriptor,
                     long b, int algorithm, MemorySegment outDescriptor, long out) {
        library.call(direction.runCall, () -> (int) direction.run.invokeExact(cudnn.handle, cudnn.one, aDescriptor,
                MemorySegment.ofAddress(a), bDescriptor, MemorySegment.ofAddress(b), convolution, algorithm,
                cudnn.workspace, cudnn.workspaceBytes, cudnn.zero, outDescriptor, MemorySegment.ofAddress(out)));
    }

    private MemorySegment tensor(int n, int c, int h, int width) {
        MemorySegment tensor = descriptor("cudnnCreateTensorDescriptor", library.createTensor,
                "cudnnDestroyTensorDescriptor", library.destroyTensor);
        library.call("cudnnSetTensor4dDescriptor", () -> (int) library.setTensor4d.invokeExact(tensor,
                CudnnLibrary.TENSOR_NCHW, CudnnLibrary.DATA_FLOAT, n, c, h, width));
        return tensor;
    }

    /** A descriptor made by {@code create} (a cudnnCreate...Descriptor), its {@code destroy} pushed on the releases. */
    private MemorySegment descriptor(String createCall, MethodHandle create, String destroyCall, MethodHandle destroy) {
        MemorySegment descriptor;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            library.call(createCall, () -> (int) create.invokeExact(out));
            descriptor = out.get(ADDRESS, 0);
        }
        releases.push(() -> library.call(destroyCall, () -> (int) destroy.invokeExact(descriptor)));
        return descriptor;
    }

    /** cuDNN's output shape must be the one the buffers were sized for. */
    private void checkOutputDimensions(int rows, ConvShape shape) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_INT), c = arena.allocate(JAVA_INT), h = arena.allocate(JAVA_INT);
            MemorySegment wide = arena.allocate(JAVA_INT);
            library.call("cudnnGetConvolution2dForwardOutputDim", () -> (int) library.forwardOutputDim.invokeExact(
                    convolution, x, w, n, c, h, wide));
            List<Integer> cudnnMakes = List.of(n.get(JAVA_INT, 0), c.get(JAVA_INT, 0), h.get(JAVA_INT, 0),
                    wide.get(JAVA_INT, 0));
            List<Integer> expected = List.of(rows, shape.outChannels(), shape.outHeight(), shape.outWidth());
            if (!cudnnMakes.equals(expected)) {
                throw new CudaCallException("cudnnGetConvolution2dForwardOutputDim", "cuDNN makes an output of "
                        + cudnnMakes + " for " + description + ", not the " + expected + " of its shape");
            }
        }
    }

    /**
     * The first algorithm of {@code direction} that cuDNN's heuristics suggest with
     * CUDNN_STATUS_SUCCESS, deterministic, labelled default or FMA math (the descriptor's math type
     * then decides whether TF32 may run) and within the workspace (as cudnnGet*WorkspaceSize tells).
     */
    private int choose(CudnnLibrary.Direction direction, MemorySegment a, MemorySegment b, MemorySegment out) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment returned = arena.allocate(JAVA_INT), perfs = arena.allocate(PERF, REQUESTED_ALGORITHMS);
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            library.call(direction.algorithmsCall, () -> (int) direction.algorithms.invokeExact(cudnn.handle, a, b,
                    convolution, out, REQUESTED_ALGORITHMS, returned, perfs));
            List<String> passedOver = new ArrayList<>();
            for (int i = 0; i < returned.get(JAVA_INT, 0); i++) {
                MemorySegment perf = perfs.asSlice(i * PERF.byteSize(), PERF);
                int algorithm = perf.get(JAVA_INT, ALGO), status = perf.get(JAVA_INT, STATUS);
                int determinism = perf.get(JAVA_INT, DETERMINISM), mathType = perf.get(JAVA_INT, MATH_TYPE);
                // the descriptor's math type decides what runs (FMA: no tensor cores); a suggestion labelled
                // default math is the same kernel under it, one labelled tensor-op math is not offered by it
                if (status == CudnnLibrary.STATUS_SUCCESS && determinism == CudnnLibrary.DETERMINISTIC
                        && (mathType == CudnnLibrary.DEFAULT_MATH || mathType == CudnnLibrary.FMA_MATH)) {
                    library.call(direction.workspaceSizeCall, () -> (int) direction.workspaceSize.invokeExact(
                            cudnn.handle, a, b, convolution, out, algorithm, bytes));
                    if (bytes.get(JAVA_LONG, 0) <= cudnn.workspaceBytes) {
                        return algorithm;
                    }
                }
                passedOver.add("algo " + algorithm + " (" + library.errorString(status) + ", "
                        + (determinism == CudnnLibrary.DETERMINISTIC ? "" : "non-") + "deterministic, math type "
                        + mathType + ", " + perf.get(JAVA_LONG, MEMORY) + " bytes)");
            }
            throw new CudaCallException(direction.algorithmsCall, "for " + description + ", no algorithm cuDNN"
                    + " suggests is deterministic, of default or FMA math and within the " + cudnn.workspaceBytes
                    + "-byte workspace: "
                    + (passedOver.isEmpty() ? "it suggests none" : String.join(", ", passedOver)));
        }
    }

    /** Destroys the descriptors. */
    @Override
    public void close() {
        Faults faults = new Faults();
        while (!releases.isEmpty()) {
            faults.run(releases.pop());
        }
        faults.rethrow();
    }
}
