package dev.vaecuda.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaecuda.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The first run of a step is eager and only then is it recorded (so no lazy set-up happens inside a capture). */
class ReplayedStepTest {

    /** Notes each step run and each recording, in order. */
    private static final class Journal extends ForwardingBackend {
        final List<String> events = new ArrayList<>();

        Journal(Backend delegate) {
            super(delegate);
        }

        @Override
        public Replayable record(Runnable step) {
            events.add("record");
            Replayable recorded = super.record(step);
            return new Replayable() {
                @Override
                public void replay() {
                    events.add("replay");
                    recorded.replay();
                }

                @Override
                public void close() {
                    recorded.close();
                }
            };
        }
    }

    @Test
    void runsEagerlyThenRecordsThenReplays() {
        try (Journal backend = new Journal(new CpuBackend(1))) {
            try (ReplayedStep step = new ReplayedStep(backend, () -> backend.events.add("eager"), true)) {
                step.run();
                step.run();
                step.run();
            }
            // the CPU backend's record runs nothing; its replays run the step's calls
            assertEquals(List.of("eager", "record", "replay", "eager", "replay", "eager"), backend.events);
        }
    }

    @Test
    void withoutReplayEveryRunIsEager() {
        try (Journal backend = new Journal(new CpuBackend(1))) {
            try (ReplayedStep step = new ReplayedStep(backend, () -> backend.events.add("eager"), false)) {
                step.run();
                step.run();
            }
            assertEquals(List.of("eager", "eager"), backend.events);
        }
    }
}
