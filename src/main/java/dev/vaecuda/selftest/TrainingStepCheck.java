package dev.vaecuda.selftest;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.ReplayedStep;
import dev.vaecuda.model.Adam;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;
import java.util.List;

/**
 * Whole training steps on the device under test and on the reference, from the same
 * initialisation, on the same random images, with the same seed and so the same eps: after
 * each step the batch loss, the hidden activations and every gradient must agree, and Adam's
 * update on the device (parameters, first and second moments) must be the reference's Adam
 * applied to the device's own gradients from the same state. The device replays a step recorded
 * once (a CUDA graph on a GPU), the reference runs its calls directly, so the check also covers
 * recording and the step state the replays read. After each step the device takes the
 * reference's parameters and moments, so that every step starts from the same state.
 *
 * <p>Adam divides by sqrt(v): its first update is lr * sign(g) whatever |g| is, so a gradient
 * within rounding of 0 can move its parameter by up to 2 lr between two correct backends.
 * Replaying the reference's Adam on the device's gradients removes that without excusing any
 * parameter: exact zeros (dead units) are held to the same tolerance as every other value.
 *
 * <p>A ReLU is discontinuous at 0: a pre-activation within rounding of 0 can be positive on one
 * side and not on the other, and then the gradients of every weight that unit feeds differ by
 * far more than rounding (measured on the emulator: in 5 of 554 runs of the default model, and in
 * none of 200 of a small one; every one passed when drawn again). Such a step proves nothing about the kernels, so when its gradients disagree and
 * a unit is active on one side only (the activations agreeing otherwise), the run is drawn again
 * with fresh images and seed, up to {@link #ATTEMPTS} times.
 *
 * <p>Tolerances, from the largest errors measured over 554 runs of the default model and 200
 * of a small one on the emulator against the CPU backend (the GEMMs sum in other orders), with
 * their safety factors: loss, relative 3e-6 (measured 1.1e-7: 27x); activations, 1e-5 + 1e-4
 * |expected| (6.8% of it used: 15x); gradients, 1e-4 + 3e-3 |expected| (measured up to 2.7e-5
 * absolute, and 5.4e-4 relative where |expected| > 0.01: the encoder head's gradients are sums
 * over the batch whose terms nearly cancel; at least 5.7x, 14x at the value nearest its limit);
 * Adam from the same gradients, what its operands allow ({@link AdamTolerance}: bit-identical on
 * the IEEE emulator, within a GPU's fused multiply-adds and powf on the GPU-rounding one). The conv
 * VAE of selftest (16x16 images, channels 4 and 8, hidden 32, latent 4, batch 8; ReLU with BCE and
 * tanh with MSE) keeps the same tolerances: over 30 runs of three steps on the GPU-rounding emulator
 * it used at most 3.2% of the loss's, 5.1% of the activations' and 0.42% of the gradients' (the
 * convolutions' weight gradients sum over the batch and the output positions), and 45% of Adam's
 * allowance, as the MLP does there.
 */
public final class TrainingStepCheck {
    private static final Tolerance LOSS = new Tolerance(0, 3e-6);
    private static final Tolerance ACTIVATIONS = new Tolerance(1e-5, 1e-4);
    private static final Tolerance GRADIENTS = new Tolerance(1e-4, 3e-3);
    private static final float LEARNING_RATE = 1e-3f;
    /** Runs drawn at most: a flip in each of three runs has a chance of about 1e-6 on correct code. */
    private static final int ATTEMPTS = 3;

    /** A step whose gradients disagree because a ReLU unit flipped between the sides. */
    private static final class ReluFlip extends RuntimeException {
        ReluFlip(String report) {
            super(report, null, false, false);
        }
    }

    private TrainingStepCheck() {
    }

    /** {@code steps} steps of the model {@code config} on batches of {@code batch} random images. */
    public static void run(BackendPair pair, ModelConfig config, int batch, int steps) {
        String flips = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                runOnce(pair, config, batch, steps);
                return;
            } catch (ReluFlip flip) {
                flips += "; attempt " + attempt + ": " + flip.getMessage();
            }
        }
        throw new MismatchException("every one of " + ATTEMPTS + " runs had a ReLU unit active on one side only"
                + " and gradients that disagree" + flips);
    }

    private static void runOnce(BackendPair pair, ModelConfig config, int batch, int steps) {
        long seed = pair.random.nextLong();
        byte[] pixels = new byte[batch * steps * config.pixels()];
        pair.random.nextBytes(pixels);
        int[] order = new int[batch * steps];
        for (int i = 0; i < order.length; i++) {
            order[i] = pair.random.nextInt(order.length);
        }
        try (Side device = new Side(pair.device, config, batch, seed, pixels, order, true);
             Side reference = new Side(pair.reference, config, batch, seed, pixels, order, false)) {
            for (int step = 1; step <= steps; step++) {
                compareStep(pair, device, reference, step, "step " + step + " (seed " + pair.seed() + ")");
                device.takeOptimizerState(reference);
            }
        }
    }

    private static void compareStep(BackendPair pair, Side device, Side reference, int step, String when) {
        float[][] before = reference.optimizerState();
        float[] deviceLoss = device.step(), referenceLoss = reference.step();
        pair.record(LOSS.assertClose(when + " loss", referenceLoss, deviceLoss));
        int flipped = 0;
        List<DeviceBuffer> deviceHidden = device.vae.hiddenActivations();
        List<DeviceBuffer> referenceHidden = reference.vae.hiddenActivations();
        for (int layer = 0; layer < deviceHidden.size(); layer++) {
            float[] expected = reference.download(referenceHidden.get(layer));
            float[] actual = device.download(deviceHidden.get(layer));
            pair.record(ACTIVATIONS.assertClose(when + " hidden layer " + layer + " activations", expected, actual));
            flipped += activeOnOneSideOnly(expected, actual);
        }
        float[] deviceGradients = device.download(device.vae.gradients());
        try {
            pair.record(GRADIENTS.assertClose(when + " gradients", reference.download(reference.vae.gradients()), deviceGradients));
        } catch (MismatchException e) {
            if (flipped == 0) {
                throw e;
            }
            throw new ReluFlip(when + ": " + flipped + " ReLU units active on one side only; " + e.getMessage());
        }
        float[][] expected = reference.adamOf(before, deviceGradients);
        AdamTolerance adam = new AdamTolerance(before[0], before[1], before[2], deviceGradients, step, LEARNING_RATE,
                Adam.BETA1, Adam.BETA2, Adam.EPSILON);
        pair.record(adam.assertClose(when + " (the reference's Adam of the device's gradients)", expected,
                device.optimizerState()));
    }

    /** How many units are exactly 0 (inactive) on one side and positive on the other. */
    private static int activeOnOneSideOnly(float[] reference, float[] device) {
        int count = 0;
        for (int i = 0; i < reference.length; i++) {
            if ((reference[i] == 0) != (device[i] == 0)) {
                count++;
            }
        }
        return count;
    }

    /** One backend's model, data and step. */
    private static final class Side implements AutoCloseable {
        private final Backend backend;
        private final Vae vae;
        private final DeviceImages images;
        private final DeviceIndices order;
        private final DeviceStepState state;
        private final int batch;
        private final long seed;
        private final ReplayedStep recorded;
        /** Parameters, first and second moments, gradients: for {@link #adamOf}. */
        private final List<DeviceBuffer> adamScratch;

        Side(Backend backend, ModelConfig config, int batch, long seed, byte[] pixels, int[] order, boolean replay) {
            this.backend = backend;
            this.batch = batch;
            this.seed = seed;
            this.vae = new Vae(backend, config, batch);
            vae.initialize(Initialization.PYTORCH, seed);
            this.images = backend.uploadImages(pixels, order.length, config.pixels());
            this.order = backend.allocateIndices(order.length);
            backend.upload(order, this.order);
            this.state = backend.allocateStepState();
            this.recorded = new ReplayedStep(backend, this::direct, replay);
            int n = vae.parameterCount();
            this.adamScratch = List.of(backend.allocate(n), backend.allocate(n), backend.allocate(n), backend.allocate(n));
        }

        private void direct() {
            backend.gatherBatch(images, order, batch, batch, vae.input(), false, seed, RngStreams.TRAIN_BINARIZE, state);
            vae.trainStep(batch, seed, LEARNING_RATE, Adam.EPSILON, state);
        }

        float[] step() {
            vae.takeLossSum();
            recorded.run();
            return new float[] {(float) vae.takeLossSum()};
        }

        @Override
        public void close() {
            recorded.close();
        }

        /** The parameters, Adam's first and second moments, in this order. */
        private List<DeviceBuffer> optimizerBuffers() {
            return List.of(vae.parameters(), vae.adam().firstMoment(), vae.adam().secondMoment());
        }

        /** The parameters, Adam's first and second moments, downloaded. */
        float[][] optimizerState() {
            return optimizerBuffers().stream().map(this::download).toArray(float[][]::new);
        }

        /** Copies the other side's parameters and Adam moments into this side's model. */
        void takeOptimizerState(Side other) {
            float[][] state = other.optimizerState();
            for (int i = 0; i < state.length; i++) {
                backend.upload(state[i], optimizerBuffers().get(i));
            }
        }

        /**
         * This backend's Adam update of {@code from} (parameters, first and second moments) with
         * {@code gradients}, at the update number of the step just taken, in scratch buffers.
         */
        float[][] adamOf(float[][] from, float[] gradients) {
            for (int i = 0; i < from.length; i++) {
                backend.upload(from[i], adamScratch.get(i));
            }
            backend.upload(gradients, adamScratch.get(3));
            backend.adam(adamScratch.get(0), adamScratch.get(3), adamScratch.get(1), adamScratch.get(2),
                    gradients.length, LEARNING_RATE, Adam.BETA1, Adam.BETA2, Adam.EPSILON, state);
            return adamScratch.subList(0, 3).stream().map(this::download).toArray(float[][]::new);
        }

        float[] download(DeviceBuffer buffer) {
            return backend.download(buffer);
        }
    }
}
