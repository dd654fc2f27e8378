package dev.vaecuda.api;

import dev.vaecuda.VaeCudaException;
import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.LossKind;
import dev.vaecuda.data.ImageSet;
import dev.vaecuda.data.PictureBytes;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.Vae;
import dev.vaecuda.train.Checkpoint;
import dev.vaecuda.train.CheckpointFile;
import dev.vaecuda.train.LikelihoodEvaluation;
import dev.vaecuda.viz.ImageGrid;
import dev.vaecuda.viz.LatentCodec;
import dev.vaecuda.viz.Tiles;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * A trained VAE, loaded from a checkpoint that {@code vae-cuda train} wrote, on the device it owns.
 *
 * <p>Images are rows of {@link ModelShape#pixels()} intensities, NCHW: channel planes (grey, or
 * red, green, blue), each row-major, values in [0, 1] as a data set's bytes divided by 255
 * ({@link #pixels(BufferedImage, ModelShape)} makes one from a picture). Every method takes any
 * number of rows, none included, and computes them in batches of the checkpoint's batch size; each
 * result equals what the command line computes on the same checkpoint: {@link #score} the figures
 * of {@code eval --no-binarize --out}, {@link #sample} and {@link #reconstruct} the images of
 * {@code sample} and {@code reconstruct}. A row's result does not depend on the rows passed with
 * it, up to float rounding: a matrix product over another number of rows may round a row
 * differently, by about 1e-7 relatively.
 *
 * <p>Thread safety: a model may be shared by threads. Its calls are serialised on its device, one
 * at a time, so concurrent calls give the numbers they give one after another.
 *
 * <p>Resources: the model owns its backend (GPU memory and handles, or the CPU's worker threads)
 * and frees it on {@link #close()}; every call after that throws a {@link VaeModelException}.
 */
public final class VaeModel implements AutoCloseable {
    private final Object lock = new Object();
    private final Checkpoint checkpoint;
    private final Backend backend;
    private final Vae vae;
    private final LatentCodec codec;
    private final LikelihoodEvaluation evaluation;
    private final ModelShape shape;
    private boolean closed;

    private VaeModel(Checkpoint checkpoint, Backend backend) {
        this.checkpoint = checkpoint;
        this.backend = backend;
        this.vae = checkpoint.restoreVae(backend);
        this.codec = new LatentCodec(backend, vae);
        this.evaluation = new LikelihoodEvaluation(backend, vae);
        ModelConfig model = checkpoint.config().model();
        this.shape = new ModelShape(model.imageChannels(), model.imageHeight(), model.imageWidth(), model.latent(),
                model.architecture().name());
    }

    /**
     * Loads a checkpoint onto CUDA where it works, else the CPU ({@link Device#AUTO}).
     *
     * @param checkpoint the checkpoint file ({@code checkpoint.vae} in a run's folder)
     * @return the model, which the caller closes
     * @throws VaeModelException when the file is missing, not a checkpoint or damaged (naming it)
     */
    public static VaeModel load(Path checkpoint) {
        return load(checkpoint, Device.AUTO);
    }

    /**
     * Loads a checkpoint onto {@code device}. The file is read and checked before the device opens.
     *
     * @param checkpoint the checkpoint file ({@code checkpoint.vae} in a run's folder)
     * @param device     where to compute
     * @return the model, which the caller closes
     * @throws VaeModelException when the file is missing, not a checkpoint or damaged (naming it), or
     *                           the device cannot be opened
     */
    public static VaeModel load(Path checkpoint, Device device) {
        if (checkpoint == null || device == null) {
            throw new VaeModelException("checkpoint and device must not be null");
        }
        try {
            Checkpoint read = CheckpointFile.read(checkpoint);
            Backend backend = DeviceOpener.open(device, read.config().model());
            try {
                return new VaeModel(read, backend);
            } catch (RuntimeException e) {
                backend.close();
                throw e;
            }
        } catch (VaeCudaException | LinkageError e) {
            throw new VaeModelException(VaeCudaException.firstLine(e), e);
        }
    }

    /**
     * The images this model takes and its latent size.
     *
     * @return the model's shape
     */
    public ModelShape shape() {
        return shape;
    }

    /**
     * The posterior q(z|x) of each image.
     *
     * @param images rows of {@link ModelShape#pixels()} intensities
     * @return one mean and one log-variance row per image
     * @throws VaeModelException on a closed model, a row of the wrong width, or a NaN or out-of-range value
     */
    public Encoding encode(float[][] images) {
        return call(() -> {
            float[] x = checkedImages(images);
            if (images.length == 0) {
                return new Encoding(new float[0][], new float[0][]);
            }
            float[] meanLogvar = codec.encode(tiles(x, images.length));
            float[][] halves = InputRows.split(meanLogvar, shape.latent());
            float[][] mean = new float[images.length][], logVariance = new float[images.length][];
            for (int r = 0; r < images.length; r++) {
                mean[r] = halves[2 * r];
                logVariance[r] = halves[2 * r + 1];
            }
            return new Encoding(mean, logVariance);
        });
    }

    /**
     * Decodes latent vectors into images.
     *
     * @param latents rows of {@link ModelShape#latent()} values
     * @param output  logits, or their sigmoid (the decoder's mean image)
     * @return one row of {@link ModelShape#pixels()} values per latent vector
     * @throws VaeModelException on a closed model, a row of the wrong width, or a value that is not finite
     */
    public float[][] decode(float[][] latents, Output output) {
        return call(() -> {
            float[] z = InputRows.latents(latents, shape.latent());
            if (output == null) {
                throw new VaeModelException("output must be LOGITS or PROBABILITIES, not null");
            }
            if (latents.length == 0) {
                return new float[0][];
            }
            float[] decoded = output == Output.LOGITS ? codec.decodeLogits(z, latents.length)
                    : codec.decode(z, latents.length).values();
            return InputRows.split(decoded, shape.pixels());
        });
    }

    /**
     * Images decoded from z ~ N(0, I): the images {@code vae-cuda sample --seed seed --n n} draws.
     * The first rows do not depend on {@code n}.
     *
     * @param n    the number of images, 0 or more
     * @param seed the seed of the draw of z
     * @return {@code n} rows of probabilities
     * @throws VaeModelException on a closed model or a negative {@code n}
     */
    public float[][] sample(int n, long seed) {
        return call(() -> {
            if (n < 0) {
                throw new VaeModelException("n must be 0 or more, got " + n);
            }
            return n == 0 ? new float[0][] : InputRows.split(codec.samples(seed, n).values(), shape.pixels());
        });
    }

    /**
     * Each image decoded from its posterior mean, as {@code vae-cuda reconstruct} draws it.
     *
     * @param images rows of {@link ModelShape#pixels()} intensities
     * @return one row of probabilities per image
     * @throws VaeModelException on a closed model, a row of the wrong width, or a NaN or out-of-range value
     */
    public float[][] reconstruct(float[][] images) {
        return call(() -> {
            float[] x = checkedImages(images);
            return images.length == 0 ? new float[0][]
                    : InputRows.split(codec.reconstruct(tiles(x, images.length)).values(), shape.pixels());
        });
    }

    /**
     * The negative ELBO and the importance-weighted -log p(x) of each image, in nats: the figures
     * {@code vae-cuda eval --no-binarize --seed seed --iw-samples importanceSamples --out} writes
     * for a test set of these images in this order. The random draws of image i depend on
     * {@code seed} and on i, so the same images in the same order give the same numbers.
     *
     * @param images            rows of {@link ModelShape#pixels()} intensities
     * @param importanceSamples the samples K of z per image, 1 or more (1: the ELBO)
     * @param seed              the seed of the draws of z
     * @return the figures per image
     * @throws VaeModelException on a closed model, a row of the wrong width, a NaN or out-of-range
     *                           value, or {@code importanceSamples} out of range
     */
    public Scores score(float[][] images, int importanceSamples, long seed) {
        return call(() -> {
            int most = Integer.MAX_VALUE / shape.latent();
            if (importanceSamples < 1 || importanceSamples > most) {
                throw new VaeModelException("importance samples must be 1.." + most + ", got " + importanceSamples);
            }
            float[] x = checkedImages(images);
            if (images.length == 0) {
                return new Scores(new double[0], new double[0], importanceSamples);
            }
            LikelihoodEvaluation.Result result = evaluation.run(x, images.length, importanceSamples, seed,
                    checkpoint.epochsCompleted());
            return new Scores(result.negativeElbo(), result.negativeLogLikelihood(), importanceSamples);
        });
    }

    /**
     * A picture as one image row: grey by luma (ITU-R BT.601) for a grey model, red, green and blue
     * planes for a colour one, transparency over white, each 8-bit level v as v / 255; as a folder
     * of images is read for training.
     *
     * @param image a picture of exactly the model's width and height
     * @param shape the model's shape
     * @return {@link ModelShape#pixels()} intensities, NCHW
     * @throws VaeModelException when the picture's size is not the model's
     */
    public static float[] pixels(BufferedImage image, ModelShape shape) {
        if (image == null || shape == null) {
            throw new VaeModelException("image and shape must not be null");
        }
        if (image.getWidth() != shape.width() || image.getHeight() != shape.height()) {
            throw new VaeModelException("an image of " + image.getWidth() + "x" + image.getHeight() + ", the model takes "
                    + shape.width() + "x" + shape.height());
        }
        byte[] bytes = PictureBytes.of(image, shape.channels());
        return Tiles.of(new ImageSet(bytes, 1, shape.height(), shape.width(), null, shape.channels()), 0, 1).values();
    }

    /**
     * One image row as a picture: 8-bit grey, or RGB for a colour model; intensity v becomes
     * round(255 v), v clamped to [0, 1], so that {@link #pixels(BufferedImage, ModelShape)} gives
     * levels of 1/255 back exactly.
     *
     * @param pixels {@link ModelShape#pixels()} intensities, NCHW
     * @param shape  the model's shape
     * @return a picture of the model's width and height
     * @throws VaeModelException when {@code pixels} is not one image of {@code shape}
     */
    public static BufferedImage image(float[] pixels, ModelShape shape) {
        if (pixels == null || shape == null) {
            throw new VaeModelException("pixels and shape must not be null");
        }
        if (pixels.length != shape.pixels()) {
            throw new VaeModelException(pixels.length + " pixels, expected " + shape.pixels() + " (" + shape.channels()
                    + "x" + shape.height() + "x" + shape.width() + ")");
        }
        return new ImageGrid(0).render(List.of(new Tiles(pixels.clone(), 1, shape.channels(), shape.height(),
                shape.width())));
    }

    /** Frees the device; later calls throw a {@link VaeModelException}. Closing twice does nothing. */
    @Override
    public void close() {
        synchronized (lock) {
            if (!closed) {
                closed = true;
                backend.bindToCallingThread();
                backend.close();
            }
        }
    }

    private float[] checkedImages(float[][] images) {
        return InputRows.images(images, shape, checkpoint.config().model().loss() == LossKind.BCE);
    }

    private Tiles tiles(float[] x, int count) {
        return new Tiles(x, count, shape.channels(), shape.height(), shape.width());
    }

    /** Runs {@code body} alone on the device, translating the backend's failures. */
    private <T> T call(Supplier<T> body) {
        synchronized (lock) {
            if (closed) {
                throw new VaeModelException("the model is closed");
            }
            try {
                backend.bindToCallingThread();
                return body.get();
            } catch (VaeCudaException e) {
                throw new VaeModelException(VaeCudaException.firstLine(e), e);
            }
        }
    }
}
