package dev.vaecuda.api;

/**
 * Why a {@link VaeModel} call failed, in one line that names the thing and what was expected: a
 * missing or damaged checkpoint (naming the file), a device that cannot be opened, an input row
 * of the wrong width (the expected and the actual width), a NaN or out-of-range value (its row and
 * column), or a call on a closed model.
 */
public class VaeModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with no underlying exception.
     *
     * @param message the one-line reason
     */
    public VaeModelException(String message) {
        super(message);
    }

    /**
     * A failure caused by another exception.
     *
     * @param message the one-line reason
     * @param cause   the exception behind it
     */
    public VaeModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
