package dev.vaecuda.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every Java runtime has. */
final class ContentHash {
    static final int BYTES = 32;

    private ContentHash() {
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static byte[] sha256(byte[] bytes) {
        return digest().digest(bytes);
    }
}
