package dev.vaecuda.backend;

/** An int array in backend memory: the epoch's permutation of image indices. */
public interface DeviceIndices {
    int length();
}
