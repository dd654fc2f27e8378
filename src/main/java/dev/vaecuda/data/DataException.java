package dev.vaecuda.data;

import dev.vaecuda.VaeCudaException;
import java.nio.file.Path;

/**
 * A data file or directory that cannot be used: missing, malformed, truncated, inconsistent.
 * The message is one line that names the path, the problem and the expected vs found value.
 */
public final class DataException extends VaeCudaException {

    public DataException(String message) {
        super(FAILURE, message);
    }

    public DataException(Path path, String problem) {
        super(FAILURE, path + ": " + problem);
    }

    public DataException(Path path, String problem, Throwable cause) {
        super(FAILURE, path + ": " + problem, cause);
    }
}
