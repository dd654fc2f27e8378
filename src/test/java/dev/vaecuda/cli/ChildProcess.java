package dev.vaecuda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child process (the built jar, or a shell) whose output goes to files, read while it runs. */
record ChildProcess(List<String> command, Process process, Path stdout, Path stderr) {
    static ChildProcess start(List<String> command, Path logs) throws IOException {
        return start(command, logs, Path.of(""));
    }

    /** Runs {@code command} in the folder {@code workingDir}, its output in files in {@code logs}. */
    static ChildProcess start(List<String> command, Path logs, Path workingDir) throws IOException {
        return start(command, logs, workingDir, Map.of());
    }

    /** As {@link #start(List, Path, Path)}, with {@code environment} added to this process's. */
    static ChildProcess start(List<String> command, Path logs, Path workingDir, Map<String, String> environment)
            throws IOException {
        Path out = Files.createTempFile(logs, "stdout", ".txt"), err = Files.createTempFile(logs, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toAbsolutePath().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        return new ChildProcess(command, builder.start(), out, err);
    }

    /** Waits until standard output contains {@code text}; fails if the process ends first. */
    void awaitOutput(String text) throws Exception {
        while (!out().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("ended before printing \"" + text + "\": " + this);
            }
            Thread.sleep(5);
        }
    }

    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", name, String.valueOf(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -s " + name);
    }

    int waitFor() throws Exception {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 2 minutes: " + this);
        }
        return process.exitValue();
    }

    String out() throws IOException {
        return Files.readString(stdout);
    }

    String err() throws IOException {
        return Files.readString(stderr);
    }

    @Override
    public String toString() {
        try {
            return String.join(" ", command) + "\n--- stdout\n" + out() + "--- stderr\n" + err();
        } catch (IOException e) {
            return String.join(" ", command) + " (logs unreadable: " + e.getMessage() + ")";
        }
    }
}
