package dev.vaecuda.backend;

/**
 * Where {@link Backend#lossAndGradients} adds each batch's summed loss, in backend memory: a
 * double, so an epoch's sum keeps its digits, and added in an order that does not depend on how
 * the work was scheduled, so a run repeats bit for bit on the same device.
 */
public interface DeviceLossSum {
}
