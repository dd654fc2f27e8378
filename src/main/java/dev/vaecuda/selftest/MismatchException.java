package dev.vaecuda.selftest;

/** A device's result differs from the reference's by more than the stated tolerance. */
public final class MismatchException extends RuntimeException {
    public MismatchException(String report) {
        super(report);
    }
}
