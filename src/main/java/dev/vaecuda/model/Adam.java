package dev.vaecuda.model;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;
import dev.vaecuda.backend.DeviceStepState;

/** torch.optim.Adam (betas 0.9, 0.999, no weight decay; tiny values flushed, see Backend.adam) over one flat parameter vector; eps per update. */
public final class Adam {
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    /** torch.optim.Adam's default eps. */
    public static final float EPSILON = 1e-8f;

    private final DeviceBuffer firstMoment;
    private final DeviceBuffer secondMoment;
    private final int size;

    Adam(Backend backend, int size) {
        this.size = size;
        this.firstMoment = backend.allocate(size);
        this.secondMoment = backend.allocate(size);
    }

    /** The update number (for the bias correction) is {@code state}'s step. */
    void update(Backend backend, DeviceBuffer params, DeviceBuffer grads, float lr, float epsilon, DeviceStepState state) {
        backend.adam(params, grads, firstMoment, secondMoment, size, lr, BETA1, BETA2, epsilon, state);
    }

    public DeviceBuffer firstMoment() {
        return firstMoment;
    }

    public DeviceBuffer secondMoment() {
        return secondMoment;
    }
}
