package dev.vaecuda.backend;

/**
 * Where a training step's changing values live in backend memory, so that the kernels read
 * them there and a step captured once (a CUDA graph, whose kernel arguments are frozen) can be
 * replayed: {@code stepsDone}, the Adam updates so far (the RNG counter of step t is t =
 * stepsDone + 1), and {@code batchInEpoch}, the index of the step's batch in the epoch's order.
 *
 * <p>The state advances on the device, once per step, inside
 * {@link Backend#lossAndGradients}: a kernel that reads neither value, so no thread sees it
 * half-changed. Kernels before it in a step (gather, reparameterize) read the step as
 * stepsDone + 1; Adam, after it, reads it as stepsDone. Both are t.
 */
public interface DeviceStepState {
}
