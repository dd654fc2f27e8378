package dev.vaecuda.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks on option values, failing as usage errors (exit 2) that name the option. */
final class OptionChecks {
    private OptionChecks() {
    }

    static int positive(CommandSpec spec, String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be >= 1, got " + value);
        }
        return value;
    }

    /** 1 <= value <= available, where {@code available} counts {@code what}. */
    static int atMost(CommandSpec spec, String option, int value, int available, String what) {
        positive(spec, option, value);
        if (value > available) {
            throw new ParameterException(spec.commandLine(), option + " " + value + " is more than the "
                    + available + " " + what);
        }
        return value;
    }
}
