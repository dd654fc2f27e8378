package dev.vaecuda.backend.cuda;

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
}
