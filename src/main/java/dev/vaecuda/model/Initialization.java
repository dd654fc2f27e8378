package dev.vaecuda.model;

/**
 * How a new run's parameters start: PyTorch's nn.Linear default, or Glorot and Bengio's uniform
 * weights with zero biases and the decoder's output bias at the logit of the mean training image
 * (Burda et al.'s IWAE code and its reimplementations).
 */
public enum Initialization {
    PYTORCH, GLOROT
}
