package dev.vaecuda.backend.cuda;

import java.lang.foreign.MemorySegment;

/** FFM downcalls: MethodHandle.invokeExact declares Throwable, which {@link #value} unwraps. */
final class Downcalls {
    private Downcalls() {
    }

    /** A downcall through a method handle. */
    interface Downcall<T> {
        T invoke() throws Throwable;
    }

    static <T> T value(Downcall<T> downcall) {
        try {
            return downcall.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("unexpected checked exception from a downcall", e);
        }
    }

    /** The NUL-terminated string a C function returned at {@code address}. */
    static String cString(MemorySegment address) {
        return address.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
