package dev.vaecuda.data;

import java.awt.image.BufferedImage;

/** A picture in memory as the bytes a data set holds for it, decoded as a folder of images is. */
public final class PictureBytes {
    private PictureBytes() {
    }

    /**
     * {@code channels x height x width} bytes, NCHW, of {@code image} at its own size: any colour
     * model, grey by luma for one channel, transparency over white (see {@link PictureRows}).
     */
    public static byte[] of(BufferedImage image, int channels) {
        byte[] bytes = new byte[channels * image.getHeight() * image.getWidth()];
        Resampler.copy(new PictureRows(image, channels), channels, bytes, 0);
        return bytes;
    }
}
