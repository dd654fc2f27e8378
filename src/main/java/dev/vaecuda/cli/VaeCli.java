package dev.vaecuda.cli;

import dev.vaecuda.VaeCudaException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Builds the command line with the project's error policy, for {@link Main} and the tests:
 * a problem prints one line {@code error: ...} (the stack trace only with --verbose) and
 * exits 2 for invalid usage, 1 for a failure while running; running out of Java heap is such a
 * failure too.
 */
public final class VaeCli {
    private VaeCli() {
    }

    public static CommandLine create() {
        CommandLine cli = new CommandLine(new VaeCommand());
        cli.setExecutionStrategy(VaeCli::runReportingHeapExhaustion);
        cli.setExecutionExceptionHandler(VaeCli::handleExecutionException);
        cli.setParameterExceptionHandler(VaeCli::handleParameterException);
        return cli;
    }

    /** Runs the command; an OutOfMemoryError (an Error, which picocli lets through) becomes a one-line failure. */
    private static int runReportingHeapExhaustion(CommandLine.ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (OutOfMemoryError e) {
            CommandLine command = parsed.asCommandLineList().getLast();
            throw new CommandLine.ExecutionException(command, e.toString(), new VaeCudaException(VaeCudaException.FAILURE,
                    "out of memory (" + e.getMessage() + "): the Java heap holds at most "
                            + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB; use a smaller model, --batch-size"
                            + " or --limit, or give java more with -Xmx", e));
        }
    }

    private static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof CommandLine.ParameterException pe) {
            return handleParameterException(pe, new String[0]);
        }
        if (e instanceof VaeCudaException known) {
            err.println("error: " + known.getMessage());
        } else {
            err.println("error: " + e);
        }
        if (verbose(parsed)) {
            e.printStackTrace(err);
        }
        err.flush();
        return e instanceof VaeCudaException known ? known.exitCode() : VaeCudaException.FAILURE;
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("error: " + e.getMessage() + " (see '" + cli.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return VaeCudaException.USAGE;
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult r = parsed; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
