package dev.vaecuda.backend.cuda;

import java.util.List;

/**
 * A kernel's launch description: its name in the PTX module and its parameters' types in the
 * order of the C signature. Launches are checked against it, and it against the PTX's
 * {@code .entry} (PtxSignatureTest) and the emulator's signature, so a mismatch is an error,
 * never silent garbage.
 */
public record KernelSpec(String name, List<ParamType> parameters) {

    public KernelSpec(String name, ParamType... parameters) {
        this(name, List.of(parameters));
    }

    public KernelSpec {
        parameters = List.copyOf(parameters);
    }

    /** Throws IllegalArgumentException unless each argument is of its parameter's Java type. */
    public void checkArguments(Object... arguments) {
        if (arguments.length != parameters.size()) {
            throw new IllegalArgumentException(name + " takes " + parameters.size() + " arguments, got " + arguments.length);
        }
        for (int i = 0; i < arguments.length; i++) {
            ParamType type = parameters.get(i);
            if (!type.accepts(arguments[i])) {
                String got = arguments[i] == null ? "null" : arguments[i].getClass().getSimpleName();
                throw new IllegalArgumentException(name + " parameter " + i + " is " + type + " (a "
                        + type.argumentTypeName() + "), got " + got);
            }
        }
    }
}
