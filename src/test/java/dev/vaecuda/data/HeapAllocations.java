package dev.vaecuda.data;

import java.lang.management.ManagementFactory;

/** Bytes allocated on the heap by the current thread, for tests that bound what a reader allocates. */
public final class HeapAllocations {
    private HeapAllocations() {
    }

    /** Bytes allocated on the heap by this thread while {@code action} runs. */
    public static long whileRunning(Runnable action) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
