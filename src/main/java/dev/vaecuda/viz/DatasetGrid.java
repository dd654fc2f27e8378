package dev.vaecuda.viz;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.model.RngStreams;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * `show-data`: the first images of a data set as training sees them, gathered by the backend
 * (so with binarisation, one dynamic draw of it), in make_grid's rows of 8.
 */
public final class DatasetGrid {
    private DatasetGrid() {
    }

    /** {@code captions} (one per image, or null for none) go under the images. */
    public static BufferedImage render(Backend backend, ImageSet set, int n, boolean binarize, long seed,
                                       List<String> captions) {
        int pixels = set.pixelsPerImage();
        DeviceIndices order = backend.allocateIndices(n);
        backend.upload(IntStream.range(0, n).toArray(), order);
        DeviceBuffer batch = backend.allocate(n * pixels);
        backend.gatherBatch(backend.uploadImages(Arrays.copyOf(set.pixels(), n * pixels), n, pixels), order, n, n,
                batch, binarize, seed, RngStreams.SHOW_DATA_BINARIZE, backend.allocateStepState());
        float[] values = new float[n * pixels];
        backend.download(batch, values);
        Tiles tiles = new Tiles(values, n, set.channels(), set.rows(), set.cols());
        return new ImageGrid(ImageGrid.PADDING).render(ImageGrid.rowsOf(tiles, ImageGrid.PER_ROW), captions);
    }
}
