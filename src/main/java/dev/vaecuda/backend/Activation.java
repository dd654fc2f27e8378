package dev.vaecuda.backend;

/**
 * What follows a bias add: nothing (an output layer), ReLU or tanh (hidden layers). The code is
 * the value the kernels of kernels/elementwise.cu take (ACTIVATION_* there).
 */
public enum Activation {
    IDENTITY(0), RELU(1), TANH(2);

    private final int kernelCode;

    Activation(int kernelCode) {
        this.kernelCode = kernelCode;
    }

    public int kernelCode() {
        return kernelCode;
    }
}
