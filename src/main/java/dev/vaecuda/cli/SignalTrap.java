package dev.vaecuda.cli;

import dev.vaecuda.train.StopRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, SIGINT and SIGTERM ask training to stop after its current step (exit status 128 +
 * the signal's number, as a shell reports a process killed by it) instead of ending the JVM; a
 * second signal ends it at once, as usual. Closing puts the JVM's own handlers back.
 */
final class SignalTrap implements AutoCloseable {
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final List<Runnable> restores = new ArrayList<>();

    SignalTrap(StopRequest stop, PrintWriter console) {
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            SignalHandler[] previous = new SignalHandler[1];
            try {
                previous[0] = Signal.handle(signal, caught -> {
                    Signal.handle(signal, previous[0]);
                    stop.request(new StopRequest.Reason("SIG" + name, 128 + caught.getNumber()));
                    console.println("SIG" + name + ": stopping after the current step to save a checkpoint"
                            + " (again to stop at once)");
                    console.flush();
                });
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal to itself (java -Xrs): it ends the run as before
                continue;
            }
            restores.add(() -> Signal.handle(signal, previous[0]));
        }
    }

    @Override
    public void close() {
        restores.forEach(Runnable::run);
    }
}
