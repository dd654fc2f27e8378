package dev.vaecuda.selftest;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceImages;
import dev.vaecuda.backend.DeviceIndices;
import dev.vaecuda.backend.DeviceStepState;
import dev.vaecuda.backend.ReplayedStep;
import dev.vaecuda.model.Adam;
import dev.vaecuda.model.Initialization;
import dev.vaecuda.model.ModelConfig;
import dev.vaecuda.model.RngStreams;
import dev.vaecuda.model.Vae;

/**
 * Whole training steps on the device under test and on the reference, from the same
 * initialisation, on the same random images, with the same seed and so the same eps: after
 * each step the batch loss, every gradient and every parameter must agree. The device replays
 * a step recorded once (a CUDA graph on a GPU), the reference runs its calls directly, so the
 * check also covers recording and the step state the replays read. Adam divides by
 * sqrt(v), which amplifies rounding in gradients near zero, so parameters are compared with a
 * tolerance of the order of the learning rate times the relative gradient tolerance; where a
 * gradient is zero within its tolerance, its sign (and so the first updates' direction, which
 * is lr * sign(g)) is rounding, and the parameter may differ by up to 2 lr. After each step the
 * device takes the reference's parameters and Adam moments, so that every step is compared from
 * the same state and such differences do not compound.
 */
public final class TrainingStepCheck {
    private static final Tolerance LOSS = new Tolerance(0, 1e-5);
    private static final Tolerance GRADIENTS = new Tolerance(1e-5, 1e-3);
    private static final Tolerance PARAMETERS = new Tolerance(2e-5, 1e-4);
    private static final float LEARNING_RATE = 1e-3f;

    private TrainingStepCheck() {
    }

    /** {@code steps} steps of the model {@code config} on batches of {@code batch} random images. */
    public static void run(BackendPair pair, ModelConfig config, int batch, int steps) {
        long seed = pair.random.nextLong();
        byte[] pixels = new byte[batch * steps * config.pixels()];
        pair.random.nextBytes(pixels);
        int[] order = new int[batch * steps];
        for (int i = 0; i < order.length; i++) {
            order[i] = pair.random.nextInt(order.length);
        }
        try (Side device = new Side(pair.device, config, batch, seed, pixels, order, true);
             Side reference = new Side(pair.reference, config, batch, seed, pixels, order, false)) {
            compare(pair, device, reference, steps);
        }
    }

    private static void compare(BackendPair pair, Side device, Side reference, int steps) {
        for (int step = 1; step <= steps; step++) {
            float[] deviceLoss = device.step(), referenceLoss = reference.step();
            String when = "step " + step + " (seed " + pair.seed() + ")";
            LOSS.assertClose(when + " loss", referenceLoss, deviceLoss);
            float[] referenceGradients = reference.download(reference.vae.gradients());
            GRADIENTS.assertClose(when + " gradients", referenceGradients, device.download(device.vae.gradients()));
            float[] referenceParameters = reference.download(reference.vae.parameters());
            PARAMETERS.assertClose(when + " parameters", referenceParameters, withSignlessUpdatesExcused(
                    referenceParameters, device.download(device.vae.parameters()), referenceGradients));
            device.takeOptimizerState(reference);
        }
    }

    /**
     * The device's parameters, with those whose reference gradient is zero within the gradient
     * tolerance replaced by the reference's value when they differ by no more than 2 lr.
     */
    private static float[] withSignlessUpdatesExcused(float[] reference, float[] device, float[] referenceGradients) {
        float[] excused = device.clone();
        for (int i = 0; i < excused.length; i++) {
            if (Math.abs(referenceGradients[i]) <= GRADIENTS.atol()
                    && Math.abs(device[i] - reference[i]) <= 2 * LEARNING_RATE * (1 + PARAMETERS.rtol())) {
                excused[i] = reference[i];
            }
        }
        return excused;
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

        /** Copies the other side's parameters and Adam moments into this side's model. */
        void takeOptimizerState(Side other) {
            backend.upload(other.download(other.vae.parameters()), vae.parameters());
            backend.upload(other.download(other.vae.adam().firstMoment()), vae.adam().firstMoment());
            backend.upload(other.download(other.vae.adam().secondMoment()), vae.adam().secondMoment());
        }

        float[] download(dev.vaecuda.backend.DeviceBuffer buffer) {
            float[] host = new float[buffer.length()];
            backend.download(buffer, host);
            return host;
        }
    }
}
