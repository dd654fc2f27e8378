package dev.vaecuda.cli;

import dev.vaecuda.Choices;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range and choice checks on option values that end as one-line usage errors (exit 2) naming the option. */
final class OptionChecks {
    private OptionChecks() {
    }

    static int atLeast(CommandSpec spec, String option, int value, int minimum) {
        if (value < minimum) {
            throw new ParameterException(spec.commandLine(), option + " must be >= " + minimum + ", got " + value);
        }
        return value;
    }

    static int inRange(CommandSpec spec, String option, int value, int minimum, int maximum) {
        if (value < minimum || value > maximum) {
            throw new ParameterException(spec.commandLine(), option + " must be " + minimum + ".." + maximum + ", got " + value);
        }
        return value;
    }

    static float positiveFinite(CommandSpec spec, String option, float value) {
        if (!(value > 0f) || Float.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), option + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    static float nonNegativeFinite(CommandSpec spec, String option, float value) {
        if (!(value >= 0f) || Float.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), option + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /** 1 <= value <= available, where {@code available} counts {@code what}. */
    static int atMost(CommandSpec spec, String option, int value, int available, String what) {
        atLeast(spec, option, value, 1);
        if (value > available) {
            throw new ParameterException(spec.commandLine(), option + " " + value + " is more than the "
                    + available + " " + what);
        }
        return value;
    }

    /** The choice whose name, in lower case, is {@code value}: "--loss must be bce or mse, got 'l1'" otherwise. */
    @SafeVarargs
    static <E extends Enum<E>> E oneOf(CommandSpec spec, String option, String value, E... choices) {
        for (E choice : choices) {
            if (choice.name().toLowerCase(Locale.ROOT).equals(value)) {
                return choice;
            }
        }
        List<String> names = Arrays.stream(choices).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        throw new ParameterException(spec.commandLine(), option + " must be " + Choices.listed(names) + ", got '" + value + "'");
    }
}
