package dev.vaecuda.train;

import dev.vaecuda.data.DataFingerprint;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Which run a checkpoint belongs to: a random id made when the run starts and kept through every
 * resume, and the fingerprint of the data set it trains on.
 */
public record RunIdentity(long runId, DataFingerprint data) {
    private static final SecureRandom IDS = new SecureRandom();

    public RunIdentity {
        java.util.Objects.requireNonNull(data, "data fingerprint is missing");
    }

    /** A new run on {@code data}. */
    public static RunIdentity start(DataFingerprint data) {
        return new RunIdentity(IDS.nextLong(), data);
    }

    /** The id as 16 hex digits, as messages print it. */
    public String id() {
        return HexFormat.of().toHexDigits(runId);
    }
}
