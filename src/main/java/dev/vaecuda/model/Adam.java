package dev.vaecuda.model;

import dev.vaecuda.backend.Backend;
import dev.vaecuda.backend.DeviceBuffer;

/** torch.optim.Adam (betas 0.9, 0.999, eps 1e-8, no weight decay) over one flat parameter vector. */
public final class Adam {
    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPSILON = 1e-8f;

    private final DeviceBuffer firstMoment;
    private final DeviceBuffer secondMoment;
    private final int size;

    Adam(Backend backend, int size) {
        this.size = size;
        this.firstMoment = backend.allocate(size);
        this.secondMoment = backend.allocate(size);
    }

    /** {@code step} counts updates from 1, for the bias correction. */
    void update(Backend backend, DeviceBuffer params, DeviceBuffer grads, float lr, long step) {
        backend.adam(params, grads, firstMoment, secondMoment, size, lr, BETA1, BETA2, EPSILON, step);
    }

    public DeviceBuffer firstMoment() {
        return firstMoment;
    }

    public DeviceBuffer secondMoment() {
        return secondMoment;
    }
}
