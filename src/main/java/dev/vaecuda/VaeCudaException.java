package dev.vaecuda;

/**
 * A problem the user can fix (bad input, bad options, missing files): its message is one line
 * that names the thing and what was expected, and it carries the process exit code.
 */
public class VaeCudaException extends RuntimeException {
    /** Invalid usage: options out of range, conflicting arguments. */
    public static final int USAGE = 2;
    /** Failure while running: unreadable or malformed data, I/O errors. */
    public static final int FAILURE = 1;

    private final int exitCode;

    public VaeCudaException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public VaeCudaException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
