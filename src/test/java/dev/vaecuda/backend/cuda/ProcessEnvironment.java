package dev.vaecuda.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * This process's C environment (libc's setenv and unsetenv), which the fake driver reads at cuInit:
 * Java's System.getenv is a snapshot that cannot be changed.
 */
public final class ProcessEnvironment {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SETENV = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("setenv"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle UNSETENV = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("unsetenv"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private ProcessEnvironment() {
    }

    public static void set(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            check(Downcalls.value(() -> (int) SETENV.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1)),
                    "setenv " + name);
        }
    }

    public static void unset(String name) {
        try (Arena arena = Arena.ofConfined()) {
            check(Downcalls.value(() -> (int) UNSETENV.invokeExact(arena.allocateFrom(name))), "unsetenv " + name);
        }
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new AssertionError(what + " failed");
        }
    }
}
