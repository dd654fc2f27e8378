package dev.vaecuda.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that splits a range [0, count) into one contiguous part per thread
 * and waits for all of them. The caller works on part 0. Workers spin briefly before parking,
 * because a training step issues its operations back to back and waking a parked thread
 * costs more than most of them.
 */
final class WorkerPool implements AutoCloseable {

    /** Work on [start, end) of the range, as part {@code part} of {@code parts}. */
    @FunctionalInterface
    interface RangeTask {
        void run(int start, int end, int part);
    }

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile int count;
    private volatile Throwable failure;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("vae-cpu-" + part).start(() -> workLoop(part));
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, count) split evenly; sequential when {@code count < minParallel}. */
    void forRange(int count, int minParallel, RangeTask task) {
        if (threads == 1 || count < minParallel) {
            task.run(0, count, 0);
            return;
        }
        this.task = task;
        this.count = count;
        failure = null;
        pending.set(workers.length);
        generation++;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        task.run(0, partEnd(0, count), 0);
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (pending.get() != 0) {
            if (System.nanoTime() > spinUntil) {
                LockSupport.parkNanos(10_000);
            } else {
                Thread.onSpinWait();
            }
        }
        this.task = null;
        if (failure != null) {
            throw new IllegalStateException("worker thread failed: " + failure, failure);
        }
    }

    private int partEnd(int part, int total) {
        return (int) ((long) total * (part + 1) / threads);
    }

    private void workLoop(int part) {
        int seen = 0;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && !closed) {
                if (System.nanoTime() > spinUntil) {
                    LockSupport.park(this);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            int total = count;
            try {
                task.run(partEnd(part - 1, total), partEnd(part, total), part);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
