package dev.vaecuda.model;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceLossSum;
import dev.vaecuda.backend.DeviceStepState;
import java.util.List;
import java.util.stream.Stream;

/**
 * The VAE as a fixed sequence of backend calls, for batches of up to {@code capacity} images.
 * Encoder: a stack of layers from x to (mu, logvar) side by side in one (rows, 2*latent)
 * output. Reparameterisation: z = mu + exp(0.5*logvar) * eps. Decoder: a stack of layers from z
 * to logits (see {@link ModelConfig} for the stacks). Loss per batch, summed over images: recon(logits, x) + beta * KL. All buffers are
 * allocated here, once; a step allocates nothing.
 */
public final class Vae {
    private final Backend backend;
    private final ModelConfig config;
    private final int capacity;
    private final List<LayerSpec> encoderLayers;
    private final List<LayerSpec> decoderLayers;
    private final DeviceBuffer params;
    private final DeviceBuffer grads;
    private final LayerStack encoder;
    private final LayerStack decoder;
    private final Adam adam;
    private final DeviceBuffer input;
    private final DeviceBuffer eps;
    private final DeviceBuffer z;
    private final DeviceBuffer latentGrad;
    private final DeviceLossSum lossSum;
    private final DeviceBuffer zeroHeadBias;
    private final DeviceStepState samplingState;

    public Vae(Backend backend, ModelConfig config, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be >= 1, got " + capacity);
        }
        this.backend = backend;
        this.config = config;
        this.capacity = capacity;
        int latent = config.latent();
        encoderLayers = config.encoderLayers();
        decoderLayers = config.decoderLayers();
        int encoderCount = Math.toIntExact(LayerStack.parameterCount(encoderLayers));
        int total = Math.toIntExact(config.parameterCount());
        params = backend.allocate(total);
        grads = backend.allocate(total);
        encoder = new LayerStack(backend, encoderLayers, config.activation(), params, grads, 0, capacity);
        decoder = new LayerStack(backend, decoderLayers, config.activation(), params, grads, encoderCount, capacity);
        adam = new Adam(backend, total);
        input = backend.allocate(capacity * config.pixels());
        eps = backend.allocate(capacity * latent);
        z = backend.allocate(capacity * latent);
        latentGrad = backend.allocate(capacity * latent);
        lossSum = backend.allocateLossSum();
        zeroHeadBias = backend.allocate(2 * latent);
        samplingState = backend.allocateStepState();
    }

    public ModelConfig config() {
        return config;
    }

    public int capacity() {
        return capacity;
    }

    public int parameterCount() {
        return params.length();
    }

    /** Sets the parameters to an initialisation drawn from {@code seed}. */
    public void initialize(Initialization kind, long seed) {
        backend.upload(ParameterInit.of(kind, seed, encoderLayers, decoderLayers), params);
    }

    /**
     * Sets the decoder's output bias to the logit of {@code pixelMeans} (the mean training image,
     * values in [0, 1]; for a per-channel bias, averaged over each channel), each clipped to
     * [0.001, 0.999]: Glorot initialisation's last step.
     */
    public void setOutputBiasToLogitsOf(float[] pixelMeans) {
        if (pixelMeans.length != config.pixels()) {
            throw new IllegalArgumentException(pixelMeans.length + " pixel means for images of " + config.pixels());
        }
        Layer output = decoder.outputLayer();
        backend.upload(ParameterInit.logitsOfMeans(ParameterInit.blockMeans(pixelMeans, output.spec.biasCount())),
                output.bias);
    }

    public DeviceBuffer parameters() {
        return params;
    }

    public DeviceBuffer gradients() {
        return grads;
    }

    public Adam adam() {
        return adam;
    }

    /** Where a batch of images goes, (capacity, pixels) row-major with values in [0, 1]. */
    public DeviceBuffer input() {
        return input;
    }

    /** The (rows, 2*latent) encoder output of the last forward pass: mu then logvar per row. */
    public DeviceBuffer meanLogvar() {
        return encoder.output();
    }

    /**
     * The hidden layers' (rows, size) activated outputs of the last forward pass, the encoder's then
     * the decoder's, in the order they are computed.
     */
    public List<DeviceBuffer> hiddenActivations() {
        return Stream.concat(encoder.hiddenOutputs().stream(), decoder.hiddenOutputs().stream()).toList();
    }

    /** The decoder's (rows, pixels) logits (bias included) of the last forward or decode pass. */
    public DeviceBuffer logits() {
        return decoder.output();
    }

    /** The (capacity, latent) buffer decode reads. */
    public DeviceBuffer latent() {
        return z;
    }

    /**
     * Forward pass and loss over the first {@code rows} images of {@link #input()}, eps drawn
     * from (seed, stream) at {@code state}'s step; adds the batch's summed loss to the loss
     * accumulator, leaves every gradient of the loss that {@link #backward} starts from, and
     * advances {@code state} by one step (see {@link DeviceStepState}).
     */
    public void forward(int rows, long seed, int stream, DeviceStepState state) {
        checkRows(rows);
        int latent = config.latent();
        encoder.forward(backend, input, rows);
        backend.reparameterize(encoder.output(), encoder.outputBias(), eps, z, rows, latent, seed, stream, state);
        decoder.forward(backend, z, rows);
        backend.lossAndGradients(config.loss(), decoder.output(), decoder.outputBias(), input, encoder.output(),
                config.beta(), rows, config.pixels(), latent, decoder.outputGrad(), decoder.outputBiasGrad(),
                encoder.outputGrad(), lossSum, state);
    }

    /** Every parameter gradient of the summed batch loss, after {@link #forward} of the same rows. */
    public void backward(int rows) {
        decoder.backward(backend, z, latentGrad, rows);
        backend.reparameterizeBackward(latentGrad, eps, encoder.output(), encoder.outputGrad(),
                encoder.outputBiasGrad(), rows, config.latent());
        encoder.backward(backend, input, null, rows);
    }

    /** One training step: forward, backward, and the Adam update (lr, epsilon) of the step {@code state} holds. */
    public void trainStep(int rows, long seed, float lr, float adamEpsilon, DeviceStepState state) {
        forward(rows, seed, RngStreams.TRAIN_EPS, state);
        backward(rows);
        adam.update(backend, params, grads, lr, adamEpsilon, state);
    }

    /** The encoder alone over {@link #input()}: (mu, logvar) rows in {@link #meanLogvar()}. */
    public void encode(int rows) {
        checkRows(rows);
        encoder.forwardWithOutputBias(backend, input, rows);
    }

    /** The (rows, latent) eps of the last forward pass or {@link #sampleLatent}. */
    public DeviceBuffer noise() {
        return eps;
    }

    /**
     * After {@link #encode}: draws eps from (seed, stream, counter) into {@link #noise()} and
     * writes z = mu + exp(0.5*logvar) * eps into {@link #latent()}, ready for {@link #decode}.
     * The head's bias is already in {@link #meanLogvar()}, so the fused kernel adds zeros.
     */
    public void sampleLatent(int rows, long seed, int stream, long counter) {
        checkRows(rows);
        backend.setStepState(samplingState, counter - 1, 0);
        backend.reparameterize(encoder.output(), zeroHeadBias, eps, z, rows, config.latent(), seed, stream,
                samplingState);
    }

    /** Decodes the first {@code rows} latent vectors of {@link #latent()} into {@link #logits()}. */
    public void decode(int rows) {
        checkRows(rows);
        decoder.forwardWithOutputBias(backend, z, rows);
    }

    /** Reads the summed loss accumulated since the last call, and resets it. Synchronises. */
    public double takeLossSum() {
        double sum = lossSum();
        backend.setLossSum(lossSum, 0);
        return sum;
    }

    /** Reads the summed loss accumulated so far, leaving it to accumulate further. Synchronises. */
    public double lossSum() {
        return backend.readLossSum(lossSum);
    }

    /** Sets the loss accumulator, e.g. to a resumed epoch's partial sum. */
    public void setLossSum(double sum) {
        backend.setLossSum(lossSum, sum);
    }

    private void checkRows(int rows) {
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("batch of " + rows + " rows, capacity " + capacity);
        }
    }
}
