package dev.vaecuda.cli;

import dev.vaecuda.train.StopRequest;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, SIGINT and SIGTERM do what the command needs instead of ending the JVM unannounced:
 * training stops after its current step (exit status 128 + the signal's number, as a shell
 * reports a process killed by it), a command with nothing to save says so and ends as the signal
 * would. The first signal puts the JVM's own handler back, so a second one ends it at once, as
 * usual; so does closing.
 */
final class SignalTrap implements AutoCloseable {
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    /** What a caught signal does: {@code name} is "SIGINT"; {@code raiseAgain} delivers it to the JVM's own handler. */
    @FunctionalInterface
    private interface Response {
        void caught(String name, int exitCode, Runnable raiseAgain);
    }

    private final List<Runnable> restores = new ArrayList<>();

    /** Training: asks {@code stop} to stop after the current step, to save a checkpoint there. */
    static SignalTrap stoppingTraining(StopRequest stop, PrintWriter console) {
        return new SignalTrap((name, exitCode, raiseAgain) -> {
            stop.request(new StopRequest.Reason(name, exitCode));
            console.println(name + ": stopping after the current step to save a checkpoint (again to stop at once)");
            console.flush();
        });
    }

    /** A command that writes nothing until it is done: "SIGINT: {@code stopped}", then the signal ends the JVM. */
    static SignalTrap ending(String stopped, PrintWriter console) {
        return new SignalTrap((name, exitCode, raiseAgain) -> {
            console.println(name + ": " + stopped);
            console.flush();
            raiseAgain.run();
        });
    }

    private SignalTrap(Response response) {
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            SignalHandler[] previous = new SignalHandler[1];
            try {
                previous[0] = Signal.handle(signal, caught -> {
                    Signal.handle(signal, previous[0]);
                    response.caught("SIG" + name, 128 + caught.getNumber(), () -> Signal.raise(signal));
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
