package dev.pixelflow.simd.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of compute threads that kernels split their loops over. It does not use the common
 * ForkJoin pool, so the actor system and the kernels never compete for the same queue, and the number of
 * threads is exactly what was configured.
 *
 * <p>{@link #parallelFor} hands the caller's loop to the workers and lets the caller take a share itself,
 * so a pool of {@code t} threads runs {@code t - 1} workers. A job publishes itself through one
 * {@link AtomicLong} holding (generation, next chunk), so a worker that wakes late can never run a chunk of
 * a later job with an earlier job's body. Calls from several threads are serialized; a call from inside a
 * running body (nested parallelism) runs inline on the calling thread. Publishing a job allocates nothing.
 */
public final class ComputePool implements AutoCloseable {

    /** The body of a parallel loop: processes items {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final int SPINS = 2_000;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock callers = new ReentrantLock();

    // The current job: written by the caller before the ticket is published, read by workers after.
    private RangeTask task;
    private int total;
    private int chunkSize;
    private int chunks;
    private final AtomicLong ticket = new AtomicLong(); // generation << 32 | next chunk index
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Throwable failure;
    private volatile Thread caller;
    private volatile boolean closed;
    private int generation;

    public ComputePool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("compute threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over {@code [0, n)} split into one chunk per thread. */
    public void parallelFor(int n, RangeTask task) {
        parallelFor(n, threads, task);
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into at most {@code maxChunks} contiguous chunks of equal
     * size (the last may be shorter), claimed by the threads in order. Returns when every chunk is done;
     * rethrows the first exception a chunk threw.
     */
    public void parallelFor(int n, int maxChunks, RangeTask task) {
        if (n <= 0) {
            return;
        }
        int wanted = Math.min(n, Math.max(1, maxChunks));
        Thread me = Thread.currentThread();
        if (threads == 1 || wanted == 1 || me == caller || isWorker(me)) {
            task.run(0, n);
            return;
        }
        if (closed) {
            throw new IllegalStateException("compute pool was closed");
        }
        callers.lock();
        try {
            int size = (n + wanted - 1) / wanted;
            this.task = task;
            this.total = n;
            this.chunkSize = size;
            this.chunks = (n + size - 1) / size;
            this.failure = null;
            this.caller = me;
            remaining.set(chunks);
            long gen = ++generation & 0x7fff_ffffL;
            ticket.set(gen << 32);
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
            work();
            int spins = 0;
            while (remaining.get() != 0) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 20_000);
                }
            }
            this.task = null;
            this.caller = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException("compute task failed", f);
            }
        } finally {
            callers.unlock();
        }
    }

    /** Claims and runs chunks of the current job until none is left. */
    private void work() {
        while (true) {
            long t = ticket.get();
            int idx = (int) t;
            RangeTask body = task;
            int n = total;
            int size = chunkSize;
            int count = chunks;
            if (idx >= count || body == null) {
                return;
            }
            if (!ticket.compareAndSet(t, t + 1)) {
                continue;
            }
            int from = idx * size;
            int to = Math.min(n, from + size);
            try {
                body.run(from, to);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
            if (remaining.decrementAndGet() == 0) {
                Thread c = caller;
                if (c != null) {
                    LockSupport.unpark(c);
                }
            }
        }
    }

    private boolean isWorker(Thread t) {
        return t instanceof Worker w && w.pool() == this;
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    @Override
    public String toString() {
        return "ComputePool[threads=" + threads + "]";
    }

    private final class Worker extends Thread {
        Worker(int index) {
            super("pixelflow-compute-" + index);
            setDaemon(true);
        }

        ComputePool pool() {
            return ComputePool.this;
        }

        @Override
        public void run() {
            long seen = 0;
            int spins = 0;
            while (!closed) {
                long gen = ticket.get() >>> 32;
                if (gen != seen) {
                    seen = gen;
                    spins = 0;
                    work();
                } else if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
