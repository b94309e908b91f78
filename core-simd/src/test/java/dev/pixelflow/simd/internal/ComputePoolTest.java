package dev.pixelflow.simd.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A scheduling bug shows as a hang as often as a wrong count: every test has a deadline. */
@Timeout(60)
class ComputePoolTest {

    @Test
    void everyIndexRunsExactlyOnceOverManyJobs() {
        try (ComputePool pool = new ComputePool(3)) {
            for (int job = 0; job < 2000; job++) {
                int n = 1 + job % 97;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                pool.parallelFor(n, 1 + job % 7, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "job " + job + " index " + i);
                }
            }
        }
    }

    /**
     * Regression: a worker finishing the last chunk of a job with few chunks must not claim a chunk of the
     * next job (with more chunks) before that job is published.
     */
    @Test
    void aLateWorkerNeverRunsAChunkOfTheNextJob() {
        try (ComputePool pool = new ComputePool(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            for (int job = 0; job < 20_000; job++) {
                int chunks = job % 2 == 0 ? 2 : 64;
                for (int i = 0; i < 64; i++) {
                    hits.set(i, 0);
                }
                pool.parallelFor(64, chunks, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 64; i++) {
                    if (hits.get(i) != 1) {
                        throw new AssertionError("job " + job + " index " + i + " ran " + hits.get(i) + " times");
                    }
                }
            }
        }
    }

    @Test
    void usesTheWorkerThreadsNotTheCommonPool() {
        try (ComputePool pool = new ComputePool(2)) {
            ConcurrentHashMap<String, Boolean> names = new ConcurrentHashMap<>();
            for (int i = 0; i < 200 && names.size() < 2; i++) {
                pool.parallelFor(2, (from, to) -> {
                    names.put(Thread.currentThread().getName(), true);
                    busy();
                });
            }
            assertTrue(names.keySet().stream().anyMatch(n -> n.startsWith("pixelflow-compute-")), names.toString());
            assertTrue(names.keySet().stream().noneMatch(n -> n.contains("ForkJoinPool")), names.toString());
        }
    }

    @Test
    void nestedCallsRunInline() {
        try (ComputePool pool = new ComputePool(2)) {
            AtomicInteger inner = new AtomicInteger();
            pool.parallelFor(4, (from, to) -> {
                for (int i = from; i < to; i++) {
                    pool.parallelFor(10, (a, b) -> inner.addAndGet(b - a));
                }
            });
            assertEquals(40, inner.get());
        }
    }

    @Test
    void exceptionsReachTheCallerAndThePoolStaysUsable() {
        try (ComputePool pool = new ComputePool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(8, 8, (f, t) -> {
                if (f == 5) {
                    throw new IllegalStateException("chunk 5");
                }
            }));
            assertEquals("chunk 5", e.getMessage());
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(100, (f, t) -> sum.addAndGet(t - f));
            assertEquals(100, sum.get());
        }
    }

    @Test
    void concurrentCallersAreSerializedCorrectly() throws InterruptedException {
        try (ComputePool pool = new ComputePool(2)) {
            int callers = 4;
            CountDownLatch done = new CountDownLatch(callers);
            AtomicInteger errors = new AtomicInteger();
            for (int c = 0; c < callers; c++) {
                Thread.ofPlatform().start(() -> {
                    try {
                        for (int job = 0; job < 300; job++) {
                            AtomicInteger sum = new AtomicInteger();
                            pool.parallelFor(50, (f, t) -> sum.addAndGet(t - f));
                            if (sum.get() != 50) {
                                errors.incrementAndGet();
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            assertEquals(0, errors.get());
        }
    }

    @Test
    void singleThreadRunsOnTheCaller() {
        try (ComputePool pool = new ComputePool(1)) {
            Thread me = Thread.currentThread();
            pool.parallelFor(10, (f, t) -> assertSame(me, Thread.currentThread()));
        }
        assertThrows(IllegalArgumentException.class, () -> new ComputePool(0));
    }

    private static void busy() {
        long end = System.nanoTime() + 200_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
