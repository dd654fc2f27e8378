package dev.vaecuda.bench;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.DeviceBuffer;
import java.util.List;

/**
 * The GEMMs of a convolution call written as im2col: with e = inChannels * kernel^2 and N =
 * rows * outHeight * outWidth (the output positions of the batch), forward (outChannels, N) =
 * w (outChannels, e) * columns (e, N); backward data columns (e, N) = w^T * dy (outChannels, N);
 * backward filter dw (outChannels, e) = dy * columns^T. The weight is the layer's own; the column
 * matrix and the maps are scratch, allocated once for the largest convolution; their contents
 * are never read for anything but the products.
 */
final class ConvolutionGemms {
    private final Backend gemms;
    private final DeviceBuffer columns;
    private final DeviceBuffer maps;

    /** Issues its GEMMs on {@code gemms}, for batches of up to {@code rows} through the given convolutions. */
    ConvolutionGemms(Backend gemms, List<ConvShape> convolutions, int rows) {
        this.gemms = gemms;
        columns = convolutions.isEmpty() ? null : gemms.allocate(convolutions.stream()
                .mapToInt(s -> Math.multiplyExact(columnsPerImage(s), positions(s, rows))).max().orElseThrow());
        maps = convolutions.isEmpty() ? null : gemms.allocate(convolutions.stream()
                .mapToInt(s -> Math.multiplyExact(s.outChannels(), positions(s, rows))).max().orElseThrow());
    }

    void forward(ConvShape s, DeviceBuffer w, int rows) {
        int o = s.outChannels(), e = columnsPerImage(s), n = positions(s, rows);
        gemms.gemm(false, false, o, n, e, 1f, w, o, columns, e, 0f, maps, o);
    }

    void backwardData(ConvShape s, DeviceBuffer w, int rows) {
        int o = s.outChannels(), e = columnsPerImage(s), n = positions(s, rows);
        gemms.gemm(true, false, e, n, o, 1f, w, o, maps, o, 0f, columns, e);
    }

    void backwardFilter(ConvShape s, DeviceBuffer dw, int rows) {
        int o = s.outChannels(), e = columnsPerImage(s), n = positions(s, rows);
        gemms.gemm(false, true, o, e, n, 1f, maps, o, columns, e, 0f, dw, o);
    }

    /** e: a column of the column matrix holds one window, inChannels * kernel^2 inputs. */
    private static int columnsPerImage(ConvShape s) {
        return s.inChannels() * s.kernel() * s.kernel();
    }

    /** N: the output positions of {@code rows} images, one column of the column matrix each. */
    private static int positions(ConvShape s, int rows) {
        return Math.multiplyExact(rows, s.outHeight() * s.outWidth());
    }
}
