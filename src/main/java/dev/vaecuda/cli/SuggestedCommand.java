package dev.vaecuda.cli;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command line that a message suggests, written so that it runs when pasted into a POSIX shell
 * in the folder the user is in: the program as it was launched (the root command's name, set by
 * {@link Main}), then the arguments, each quoted where the shell would split or expand it.
 */
final class SuggestedCommand {
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private SuggestedCommand() {
    }

    static String of(CommandSpec spec, List<String> args) {
        return Stream.concat(Stream.of(spec.root().name()), args.stream().map(SuggestedCommand::quote))
                .collect(Collectors.joining(" "));
    }

    /** The word as the shell reads it back: unchanged when plain, else in single quotes. */
    static String quote(String word) {
        return PLAIN_WORD.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
