package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Runs the real command line in-process and captures exit code, stdout and stderr. */
record CliRunner(int exitCode, String out, String err) {

    static CliRunner run(String... args) {
        return run(new StringWriter(), args);
    }

    /** The command on the CPU backend with 2 threads ({@code --device cpu --threads 2} appended), which must exit 0. */
    static CliRunner okOnCpu(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        System.arraycopy(new String[] {"--device", "cpu", "--threads", "2"}, 0, all, args.length, 4);
        CliRunner result = run(all);
        assertEquals(0, result.exitCode(), result.toString());
        return result;
    }

    /** As {@link #run(String...)}, the standard output going to {@code out} as it is printed. */
    static CliRunner run(Writer out, String... args) {
        CommandLine cli = VaeCli.create();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRunner(code, out.toString(), err.toString());
    }

    /** Exit {@code code} and one line on stderr, "error: ..." containing {@code expected}; nothing like a stack trace. */
    void assertOneLineError(int code, String expected) {
        assertEquals(code, exitCode, toString());
        String line = err.strip();
        assertEquals(1, line.lines().count(), toString());
        assertTrue(line.startsWith("error: ") && line.contains(expected), "expected \"" + expected + "\" in\n" + this);
        assertTrue(!line.contains("Exception") && !line.contains("\tat "), toString());
    }

    /** The number a line of the output gives for {@code name}: eval's "negative ELBO    105.5799 nats  0.1943 bits/dim". */
    double figure(String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " +([0-9.]+)( .*)?$").matcher(out);
        assertTrue(m.find(), name + " in\n" + this);
        return Double.parseDouble(m.group(1));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
