package dev.vaecuda.train;

import java.util.Optional;

/**
 * A request, from another thread (a signal handler), that training stop after its current step
 * and save a checkpoint. The first request wins; it carries its reason and the process exit
 * status that goes with it.
 */
public final class StopRequest {
    /** Why training stops, e.g. SIGINT with exit status 130. */
    public record Reason(String name, int exitCode) {
    }

    private volatile Reason reason;

    public synchronized void request(Reason why) {
        if (reason == null) {
            reason = why;
        }
    }

    public boolean requested() {
        return reason != null;
    }

    public Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }
}
