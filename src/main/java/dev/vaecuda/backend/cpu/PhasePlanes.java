package dev.vaecuda.backend.cpu;

import dev.vaecuda.backend.ConvShape;
import java.util.Arrays;

/**
 * One image of a convolution's input, zero-padded and split by row and column index modulo the
 * stride into stride^2 phase planes per channel, each {@link #height} x {@link #width}: padded
 * element (h, w) is element (h / stride, w / stride) of the plane of phase (h % stride, w %
 * stride). Plane (phase, c) starts at (phase * inChannels + c) * {@link #stride}, phase = row
 * phase * stride + column phase. Kernel offset (p, q) then reads, for the outputs (i, j), element
 * (i + p / stride, j + q / stride) of the plane of phase (p % stride, q % stride): taken
 * {@link #width} wide, the outputs' window is one contiguous run of {@link #rows} floats, so a
 * GEMM reads it in place (the rows j >= outWidth are not outputs). One instance per thread; its
 * array grows once.
 */
final class PhasePlanes {
    private float[] planes = new float[0];

    static int height(ConvShape s) {
        return Math.ceilDiv(s.inHeight() + 2 * s.padding(), s.stride());
    }

    static int width(ConvShape s) {
        return Math.ceilDiv(s.inWidth() + 2 * s.padding(), s.stride());
    }

    /**
     * Floats from one plane to the next: a plane and (kernel - 1) / stride more, as far as a
     * window's run may reach past its plane's end; so the runs of one GEMM's columns never
     * overlap, and the data gradient's GEMMs can add into them in place.
     */
    static int stride(ConvShape s) {
        return height(s) * width(s) + (s.kernel() - 1) / s.stride();
    }

    /** A window's run, the rows of the GEMMs' matrices per image: outHeight * width. */
    static int rows(ConvShape s) {
        return s.outHeight() * width(s);
    }

    /** The planes of the image x[xAt ..]. */
    float[] load(ConvShape s, float[] x, int xAt) {
        zeroed(s);
        exchange(s, x, xAt, true);
        return planes;
    }

    /** Planes of zeros, to add a gradient into and then {@link #store}. */
    float[] zeroed(ConvShape s) {
        int length = s.stride() * s.stride() * s.inChannels() * stride(s);
        if (planes.length < length) {
            planes = new float[length];
        }
        Arrays.fill(planes, 0, length, 0f);
        return planes;
    }

    /** dx[dxAt ..] (one image) = the planes' elements inside the image, the padding dropped. */
    void store(ConvShape s, float[] dx, int dxAt) {
        exchange(s, dx, dxAt, false);
    }

    /**
     * Copies the image's elements into their places in the planes (toPlanes) or back, a row of
     * the image at a time: its columns e, e + stride, ... go to one plane row (of column phase
     * (e + padding) % stride, from column (e + padding) / stride on).
     */
    private void exchange(ConvShape s, float[] x, int xAt, boolean toPlanes) {
        int stride = s.stride(), padding = s.padding(), height = s.inHeight(), width = s.inWidth();
        int channels = s.inChannels(), planeWidth = width(s), planeStride = stride(s);
        float[] z = planes;
        for (int c = 0; c < channels; c++) {
            // image row h is row u of the planes of row phase a: h + padding = u*stride + a
            for (int h = 0, a = padding % stride, u = padding / stride; h < height; h++) {
                int image = xAt + (c * height + h) * width, row = (a * stride * channels + c) * planeStride + u * planeWidth;
                if (stride == 2) {
                    // both column phases in one loop: at 7 floats a phase (MNIST's), loops cost more than copies
                    int even = row + ((padding & 1) * channels * planeStride) + (padding >> 1);
                    int odd = row + (((padding + 1) & 1) * channels * planeStride) + ((padding + 1) >> 1);
                    for (int j = 0; j < width >> 1; j++) {
                        if (toPlanes) {
                            z[even + j] = x[image + 2 * j];
                            z[odd + j] = x[image + 2 * j + 1];
                        } else {
                            x[image + 2 * j] = z[even + j];
                            x[image + 2 * j + 1] = z[odd + j];
                        }
                    }
                    if ((width & 1) == 1) {
                        move(x, image + width - 1, z, even + (width >> 1), toPlanes);
                    }
                } else {
                    for (int e = 0; e < Math.min(stride, width); e++) {
                        int b = (e + padding) % stride, plane = row + b * channels * planeStride + (e + padding) / stride;
                        int count = (width - e + stride - 1) / stride;
                        if (stride == 1) {
                            System.arraycopy(toPlanes ? x : z, toPlanes ? image : plane, toPlanes ? z : x,
                                    toPlanes ? plane : image, count);
                        } else {
                            for (int j = 0; j < count; j++) {
                                move(x, image + e + j * stride, z, plane + j, toPlanes);
                            }
                        }
                    }
                }
                if (++a == stride) {
                    a = 0;
                    u++;
                }
            }
        }
    }

    private static void move(float[] x, int xAt, float[] z, int zAt, boolean toPlanes) {
        if (toPlanes) {
            z[zAt] = x[xAt];
        } else {
            x[xAt] = z[zAt];
        }
    }
}
