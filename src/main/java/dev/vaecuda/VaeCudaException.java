package dev.vaecuda;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

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

    /** The first line of a throwable's message (its class name when it has none), for a one-line error. */
    public static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }

    /** A failure to {@code action} (e.g. "write checkpoint") {@code file}, with the system's reason and no class names. */
    public static VaeCudaException io(Path file, String action, IOException e) {
        return new VaeCudaException(FAILURE, file + ": cannot " + action + ": " + reason(e), e);
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file or folder: " + missing.getFile();
            case AccessDeniedException denied -> "permission denied: " + denied.getFile();
            case FileAlreadyExistsException exists -> "already exists: " + exists.getFile();
            case NotDirectoryException notFolder -> "not a folder: " + notFolder.getFile();
            case FileSystemException other when other.getReason() != null -> other.getReason() + ": " + other.getFile();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
