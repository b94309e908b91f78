package dev.pixelflow.simd.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of compute threads that kernels split their loops over. It does not use the common
 * ForkJoin pool, so the actor system and the kernels never compete for the same queue, and the number of
 * threads is exactly what was configured.
 *
 * <p>{@link #parallelFor} hands the caller's loop to the workers and lets the caller take a share itself,
 * so a pool of {@code t} threads runs {@code t - 1} workers. Each call publishes a new, immutable
 * {@link Job} that carries its own chunk counter: a worker that wakes late can only claim chunks of the job
 * it actually read, never a chunk of a later job with an earlier job's bounds. (Reusing one set of mutable
 * job fields allowed exactly that race.) A call costs one small job object besides the caller's lambda.
 * Calls from several threads are serialized; a call from inside a running body (nested parallelism) runs
 * inline on the calling thread.
 */
public final class ComputePool implements AutoCloseable {

    /** The body of a parallel loop: processes items {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    private static final int SPINS = 2_000;
    private static final ConcurrentHashMap<Integer, ComputePool> SHARED = new ConcurrentHashMap<>();

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock callers = new ReentrantLock();
    private volatile Job current;
    private volatile Thread caller;
    private volatile boolean closed;

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

    /**
     * The JVM-wide pool of {@code threads} threads, created on first use and never closed: {@link
     * dev.pixelflow.simd.Ops#defaults()}, the losses and the normalizers share it, so a process runs one set of
     * compute threads per size instead of one per component.
     */
    public static ComputePool shared(int threads) {
        return SHARED.computeIfAbsent(threads, ComputePool::new);
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
            caller = me;
            Job job = new Job(task, n, (n + wanted - 1) / wanted, me);
            current = job;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
            job.work();
            int spins = 0;
            while (job.remaining.get() != 0) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 20_000);
                }
            }
            current = null;
            Throwable f = job.failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new IllegalStateException("compute task failed", f);
            }
        } finally {
            caller = null;
            callers.unlock();
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

    /** One parallel loop: its bounds, its own chunk counter and completion count. */
    private static final class Job {
        final RangeTask task;
        final int total;
        final int chunkSize;
        final int chunks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        volatile Throwable failure;

        Job(RangeTask task, int total, int chunkSize, Thread caller) {
            this.task = task;
            this.total = total;
            this.chunkSize = chunkSize;
            this.chunks = (total + chunkSize - 1) / chunkSize;
            this.caller = caller;
            this.remaining = new AtomicInteger(chunks);
        }

        /** Claims and runs chunks of this job until none is left. */
        void work() {
            int idx;
            while ((idx = next.getAndIncrement()) < chunks) {
                int from = idx * chunkSize;
                int to = Math.min(total, from + chunkSize);
                try {
                    task.run(from, to);
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
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
            Job seen = null;
            int spins = 0;
            while (!closed) {
                Job job = current;
                if (job != null && job != seen) {
                    seen = job;
                    spins = 0;
                    job.work();
                } else if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    seen = null; // do not keep a finished job's lambda reachable while parked
                    LockSupport.park(this);
                }
            }
        }
    }
}
