package dev.vaecuda.bench;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.List;

/**
 * The multiply-adds of a convolution call's GEMMs as the CPU backend does them (CpuConvolution),
 * in one GEMM per call: per image it multiplies an (L, e) matrix of input windows by the (e,
 * outChannels) weight, e = inChannels * kernel^2, L = outHeight * planeWidth (each output row
 * taken as wide as its input's phase plane, the extra columns computed and dropped). Here the
 * images side by side, N = rows * L, column-major and transposed, w being (e, outChannels): forward
 * maps (outChannels, N) = w^T * columns (e, N); backward data columns = w * maps; backward filter
 * dw^T (outChannels, e) = maps * columns^T. Transposed, the backend's split of a GEMM by columns
 * of C splits the images (as the CPU convolution does), or the filter's e, rather than the output
 * channels, each thread reading a part of the columns instead of all of them: measured, on a busy
 * machine, about 30% faster so (median of 5 benches each; docs/performance.md). The weight is the layer's own; columns and maps are scratch,
 * allocated once for the largest convolution; their contents are never read for anything but the
 * products.
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
        gemms.gemm(true, false, o, n, e, 1f, w, e, columns, e, 0f, maps, o);
    }

    void backwardData(ConvShape s, DeviceBuffer w, int rows) {
        int o = s.outChannels(), e = windowSize(s), n = gemmRows(s, rows);
        gemms.gemm(false, false, e, n, o, 1f, w, e, maps, o, 0f, columns, e);
    }

    void backwardFilter(ConvShape s, DeviceBuffer dw, int rows) {
        int o = s.outChannels(), e = windowSize(s), n = gemmRows(s, rows);
        gemms.gemm(false, true, o, e, n, 1f, maps, o, columns, e, 0f, dw, o);
    }

    /** e: the inputs one output reads, inChannels * kernel^2. */
    private static int windowSize(ConvShape s) {
        return s.inChannels() * s.kernel() * s.kernel();
    }

    /** N: rows times the CPU convolution's GEMM rows per image. */
    private static int gemmRows(ConvShape s, int rows) {
        return Math.multiplyExact(rows, CpuBackend.convolutionGemmRowsPerImage(s));
    }
}
