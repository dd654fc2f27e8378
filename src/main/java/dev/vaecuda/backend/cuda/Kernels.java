package dev.vaecuda.backend.cuda;

import static dev.vaecuda.backend.cuda.ParamType.FLOAT;
import static dev.vaecuda.backend.cuda.ParamType.INT;
import static dev.vaecuda.backend.cuda.ParamType.POINTER;
import static dev.vaecuda.backend.cuda.ParamType.U64;

import java.util.List;

/** The launch descriptions of the kernels in kernels/*.cu (one PTX module, kernels.ptx). */
public final class Kernels {
    /** (y, bias, rows, cols, activation): activation is an {@link dev.vaecuda.backend.Activation}'s kernel code */
    public static final KernelSpec BIAS_ADD = new KernelSpec("bias_add", POINTER, POINTER, INT, INT, INT);
    /** (dy, y, rows, cols, activation, dBias) */
    public static final KernelSpec ACTIVATION_BACKWARD = new KernelSpec("activation_backward",
            POINTER, POINTER, INT, INT, INT, POINTER);
    /** (y, bias, rows, channels, spatial, activation) */
    public static final KernelSpec CHANNEL_BIAS_ADD = new KernelSpec("channel_bias_add",
            POINTER, POINTER, INT, INT, INT, INT);
    /** (dy, y, rows, channels, spatial, activation, dBias) */
    public static final KernelSpec CHANNEL_ACTIVATION_BACKWARD = new KernelSpec("channel_activation_backward",
            POINTER, POINTER, INT, INT, INT, INT, POINTER);
    /** (x, out, n) */
    public static final KernelSpec SIGMOID = new KernelSpec("sigmoid", POINTER, POINTER, INT);
    /** (meanLogvar, headBias, eps, z, rows, latent, seed, stream, state) */
    public static final KernelSpec REPARAMETERIZE = new KernelSpec("reparameterize",
            POINTER, POINTER, POINTER, POINTER, INT, INT, U64, INT, POINTER);
    /** (dz, eps, meanLogvar, dMeanLogvar, dHeadBias, rows, latent) */
    public static final KernelSpec REPARAMETERIZE_BACKWARD = new KernelSpec("reparameterize_backward",
            POINTER, POINTER, POINTER, POINTER, POINTER, INT, INT);
    /** (logits, outputBias, target, meanLogvar, beta, rows, pixels, latent, bce, dLogits, dOutputBias, dMeanLogvar, lossSum, state) */
    public static final KernelSpec LOSS_AND_GRADIENTS = new KernelSpec("loss_and_gradients",
            POINTER, POINTER, POINTER, POINTER, FLOAT, INT, INT, INT, INT, POINTER, POINTER, POINTER, POINTER, POINTER);
    /** (params, grads, m, v, n, lr, beta1, beta2, epsilon, state) */
    public static final KernelSpec ADAM = new KernelSpec("adam",
            POINTER, POINTER, POINTER, POINTER, INT, FLOAT, FLOAT, FLOAT, FLOAT, POINTER);
    /** (images, order, orderLength, batchSize, rows, pixels, x, binarize, seed, stream, state) */
    public static final KernelSpec GATHER_BATCH = new KernelSpec("gather_batch",
            POINTER, POINTER, INT, INT, INT, INT, POINTER, INT, U64, INT, POINTER);

    public static final List<KernelSpec> ALL = List.of(BIAS_ADD, ACTIVATION_BACKWARD, CHANNEL_BIAS_ADD,
            CHANNEL_ACTIVATION_BACKWARD, SIGMOID,
            REPARAMETERIZE, REPARAMETERIZE_BACKWARD, LOSS_AND_GRADIENTS, ADAM, GATHER_BATCH);

    private Kernels() {
    }
}
