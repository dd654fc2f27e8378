package dev.vaecuda.bench;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import java.util.List;

/**
 * The GEMMs of a convolution call as the CPU backend does them (CpuConvolution), batched: per
 * image it multiplies an (L, e) matrix of input windows by the (e, outChannels) weight, e =
 * inChannels * kernel^2, L = outHeight * planeWidth (each output row taken as wide as its input
 * phase plane, the extra columns computed and dropped). Here, column-major with N = rows * L:
 * forward maps (N, outChannels) = columns (N, e) * w (e, outChannels); backward data columns =
 * maps * w^T; backward filter dw = columns^T * maps. The same multiply-adds in one GEMM per call
 * instead of one per image and class of kernel offsets. The weight is the layer's own; columns and
 * maps are scratch, allocated once for the largest convolution; their contents are never read
 * for anything but the products.
 */
final class ConvolutionGemms {
    private final Backend gemms;
    private final DeviceBuffer columns;
    private final DeviceBuffer maps;

    /** Issues its GEMMs on {@code gemms}, for batches of up to {@code rows} through the given convolutions. */
    ConvolutionGemms(Backend gemms, List<ConvShape> convolutions, int rows) {
        this.gemms = gemms;
        columns = convolutions.isEmpty() ? null : gemms.allocate(convolutions.stream()
                .mapToInt(s -> Math.multiplyExact(windowSize(s), gemmRows(s, rows))).max().orElseThrow());
        maps = convolutions.isEmpty() ? null : gemms.allocate(convolutions.stream()
                .mapToInt(s -> Math.multiplyExact(s.outChannels(), gemmRows(s, rows))).max().orElseThrow());
    }

    void forward(ConvShape s, DeviceBuffer w, int rows) {
        int o = s.outChannels(), e = windowSize(s), n = gemmRows(s, rows);
        gemms.gemm(false, false, n, o, e, 1f, columns, n, w, e, 0f, maps, n);
    }

    void backwardData(ConvShape s, DeviceBuffer w, int rows) {
        int o = s.outChannels(), e = windowSize(s), n = gemmRows(s, rows);
        gemms.gemm(false, true, n, e, o, 1f, maps, n, w, e, 0f, columns, n);
    }

    void backwardFilter(ConvShape s, DeviceBuffer dw, int rows) {
        int o = s.outChannels(), e = windowSize(s), n = gemmRows(s, rows);
        gemms.gemm(true, false, e, o, n, 1f, columns, n, maps, n, 0f, dw, e);
    }

    /** e: the inputs one output reads, inChannels * kernel^2. */
    private static int windowSize(ConvShape s) {
        return s.inChannels() * s.kernel() * s.kernel();
    }

    /** N: rows * L, L = outHeight * planeWidth, the width of a stride's phase of the padded input. */
    private static int gemmRows(ConvShape s, int rows) {
        int planeWidth = Math.ceilDiv(s.inWidth() + 2 * s.padding(), s.stride());
        return Math.multiplyExact(rows, s.outHeight() * planeWidth);
    }
}
