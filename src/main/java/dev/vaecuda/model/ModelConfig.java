package dev.vaecuda.model;

import dev.vaecuda.backend.Activation;
import dev.vaecuda.backend.ConvShape;
import dev.vaecuda.backend.LossKind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The shape and objective of a VAE on images of imageHeight x imageWidth. MLP: x(pixels) ->
 * hidden... -> (mu, logvar)(latent each) -> z -> hidden reversed... -> logits(pixels). CONV:
 * x -> one 4x4, stride-2, padding-1 convolution per entry of {@code channels}, each halving
 * height and width -> the flattened map -> hidden... -> (mu, logvar); the decoder mirrors it,
 * dense layers back to the map, then transposed convolutions back to the image. {@code
 * activation} (ReLU or tanh) follows every layer but the encoder's head and the decoder's output.
 */
public record ModelConfig(int imageHeight, int imageWidth, List<Integer> hidden, int latent,
                          LossKind loss, float beta, Activation activation, Architecture architecture,
                          List<Integer> channels, int imageChannels) {
    /** The widest layer accepted (pixels of an image, hidden or latent units); counts of such layers fit a long. */
    public static final int MAX_LAYER_WIDTH = 1 << 24;
    /** The convolutions of {@link Architecture#CONV}: kernel 4, stride 2, padding 1 halve an even size. */
    public static final int CONV_KERNEL = 4, CONV_STRIDE = 2, CONV_PADDING = 1;
    /** The images' channels a model takes: grey levels, or red, green and blue. */
    public static final List<Integer> IMAGE_CHANNELS = List.of(1, 3);

    public ModelConfig {
        java.util.Objects.requireNonNull(hidden, "hidden sizes are missing");
        java.util.Objects.requireNonNull(loss, "loss kind is missing");
        java.util.Objects.requireNonNull(activation, "activation is missing");
        java.util.Objects.requireNonNull(architecture, "architecture is missing");
        java.util.Objects.requireNonNull(channels, "conv channels are missing");
        if (activation == Activation.IDENTITY) {
            throw new IllegalArgumentException("the hidden layers' activation must be RELU or TANH, got " + activation);
        }
        hidden = List.copyOf(hidden);
        channels = List.copyOf(channels);
        if (!IMAGE_CHANNELS.contains(imageChannels)) {
            throw new IllegalArgumentException("image channels must be 1 (grey) or 3 (colour), got " + imageChannels);
        }
        if (imageHeight < 1 || imageWidth < 1 || (long) imageHeight * imageWidth > MAX_LAYER_WIDTH) {
            throw new IllegalArgumentException("image size must be positive and at most " + MAX_LAYER_WIDTH
                    + " pixels, got " + imageHeight + "x" + imageWidth);
        }
        boolean conv = architecture == Architecture.CONV;
        if ((!conv && hidden.isEmpty()) || hidden.stream().anyMatch(h -> h < 1 || h > MAX_LAYER_WIDTH)) {
            throw new IllegalArgumentException("hidden sizes must be 1.." + MAX_LAYER_WIDTH + ", got " + hidden);
        }
        if (conv ? channels.isEmpty() || channels.stream().anyMatch(c -> c < 1 || c > MAX_LAYER_WIDTH)
                : !channels.isEmpty()) {
            throw new IllegalArgumentException(conv ? "conv channels must be 1.." + MAX_LAYER_WIDTH + ", got " + channels
                    : "an MLP has no conv channels, got " + channels);
        }
        if (conv) {
            checkHalvable(imageHeight, imageWidth, channels);
        }
        if (latent < 1 || latent > MAX_LAYER_WIDTH) {
            throw new IllegalArgumentException("latent size must be 1.." + MAX_LAYER_WIDTH + ", got " + latent);
        }
        if (!(beta >= 0f) || Float.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
        }
    }

    /** Of grey images, as every configuration written before colour. */
    public ModelConfig(int imageHeight, int imageWidth, List<Integer> hidden, int latent, LossKind loss, float beta,
                       Activation activation, Architecture architecture, List<Integer> channels) {
        this(imageHeight, imageWidth, hidden, latent, loss, beta, activation, architecture, channels, 1);
    }

    /** An MLP. */
    public ModelConfig(int imageHeight, int imageWidth, List<Integer> hidden, int latent, LossKind loss, float beta,
                       Activation activation) {
        this(imageHeight, imageWidth, hidden, latent, loss, beta, activation, Architecture.MLP, List.of());
    }

    /** With ReLU hidden layers, as PyTorch's example and the configurations written before --activation. */
    public ModelConfig(int imageHeight, int imageWidth, List<Integer> hidden, int latent, LossKind loss, float beta) {
        this(imageHeight, imageWidth, hidden, latent, loss, beta, Activation.RELU);
    }

    private static void checkHalvable(int height, int width, List<Integer> channels) {
        int layers = channels.size();
        int fitting = Math.min(Integer.numberOfTrailingZeros(height), Integer.numberOfTrailingZeros(width));
        if (fitting >= layers) {
            return;
        }
        String suggestion = fitting == 0 ? "no --channels fits; use --arch mlp"
                : "--channels " + channels.subList(0, fitting).stream().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(",")) + " would fit";
        throw new IllegalArgumentException("a " + height + "x" + width + " image cannot be halved " + layers
                + " times (one stride-2 convolution per --channels entry): its height and width must be multiples of "
                + (1 << Math.min(layers, 30)) + "; " + suggestion);
    }

    /** Floats per image: channels x height x width (NCHW). */
    public int pixels() {
        return imageChannels * imageHeight * imageWidth;
    }

    /** The convolutions of the encoder, in order (none for an MLP). */
    public List<ConvShape> convolutions() {
        List<ConvShape> shapes = new ArrayList<>();
        int in = imageChannels;
        for (int i = 0; i < channels.size(); i++) {
            shapes.add(new ConvShape(in, imageHeight >> i, imageWidth >> i, channels.get(i), CONV_KERNEL, CONV_STRIDE,
                    CONV_PADDING));
            in = channels.get(i);
        }
        return shapes;
    }

    /** Floats per image where the dense layers begin: the pixels, or the last convolution's flattened map. */
    private int denseInput() {
        List<ConvShape> convs = convolutions();
        return convs.isEmpty() ? pixels() : convs.getLast().outputSize();
    }

    /** The encoder: convolutions, then dense layers denseInput -> hidden... -> 2 * latent (mu and logvar side by side). */
    public List<LayerSpec> encoderLayers() {
        List<LayerSpec> layers = new ArrayList<>();
        convolutions().forEach(shape -> layers.add(new LayerSpec.Conv(shape)));
        layers.addAll(denseChain(IntStream.concat(IntStream.concat(IntStream.of(denseInput()),
                hidden.stream().mapToInt(Integer::intValue)), IntStream.of(2 * latent)).toArray()));
        return layers;
    }

    /** The decoder: dense layers latent -> hidden reversed... -> denseInput, then the convolutions transposed in reverse. */
    public List<LayerSpec> decoderLayers() {
        List<LayerSpec> layers = new ArrayList<>(denseChain(IntStream.concat(IntStream.concat(IntStream.of(latent),
                hidden.reversed().stream().mapToInt(Integer::intValue)), IntStream.of(denseInput())).toArray()));
        convolutions().reversed().forEach(shape -> layers.add(new LayerSpec.ConvTranspose(shape)));
        return layers;
    }

    private static List<LayerSpec> denseChain(int[] sizes) {
        return IntStream.range(0, sizes.length - 1)
                .mapToObj(i -> (LayerSpec) new LayerSpec.Dense(sizes[i], sizes[i + 1])).toList();
    }

    /** Weights and biases of encoder and decoder, counted in long, so that a shape too large for a buffer shows. */
    public long parameterCount() {
        return LayerStack.parameterCount(encoderLayers()) + LayerStack.parameterCount(decoderLayers());
    }

    /** Floats of the largest activation buffer for batches of {@code rows}: rows times the widest layer. */
    public long activationFloats(int rows) {
        return (long) rows * Stream.concat(encoderLayers().stream(), decoderLayers().stream())
                .mapToInt(LayerSpec::outputSize).max().orElseThrow();
    }

    /** PyTorch's examples/vae: 784-400-20, BCE, beta 1. */
    public static ModelConfig pytorchExample() {
        return new ModelConfig(28, 28, List.of(400), 20, LossKind.BCE, 1f);
    }
}
