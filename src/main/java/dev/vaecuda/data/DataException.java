package dev.vaecuda.data;

import java.nio.file.Path;

/**
 * A data file or directory that cannot be used: missing, malformed, truncated, inconsistent.
 * The message is one line that names the path, the problem and the expected vs found value.
 */
public final class DataException extends RuntimeException {
    private static final int EXIT_CODE = 1;

    public DataException(String message) {
        super(message);
    }

    public DataException(Path path, String problem) {
        super(path + ": " + problem);
    }

    public DataException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
    }

    /** The process exit status for this failure: 1, a failure while running (not invalid input). */
    public int exitCode() {
        return EXIT_CODE;
    }
}
