package dev.pixelflow.deploy.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ReportDataTest {

    @Test
    void underTheBoundEveryPointIsKept() {
        ReportData data = new ReportData(100, 10);
        for (int i = 0; i < 100; i++) {
            data.record("loss", i, 100 - i);
        }
        ReportData.Series s = data.snapshot().series("loss");
        assertEquals(100, s.seconds().length);
        assertEquals(100, s.received());
        assertEquals(99.0, s.seconds()[99]);
        assertEquals(1.0, s.values()[99]);
    }

    @Test
    void downsamplingKeepsFirstAndLastAndAtMostN() {
        for (int cap : new int[] {2, 3, 7, 100, 1000}) {
            ReportData data = new ReportData(cap, 10);
            for (int total = 1; total <= 5000; total++) {
                data.record("x", total - 1, 2.0 * (total - 1));
                if (total % 97 == 0 || total == 5000 || total <= 2 * cap + 3) {
                    ReportData.Series s = data.snapshot().series("x");
                    int size = s.seconds().length;
                    assertTrue(size <= cap, "cap " + cap + ", total " + total + ": " + size + " points");
                    assertEquals(Math.min(total, size), size);
                    assertTrue(size >= Math.min(total, cap / 2), "cap " + cap + ", total " + total + ": " + size);
                    assertEquals(0.0, s.seconds()[0], "first point kept");
                    assertEquals(total - 1.0, s.seconds()[size - 1], "last point kept");
                    assertEquals(2.0 * (total - 1), s.values()[size - 1]);
                    for (int i = 1; i < size; i++) {
                        assertTrue(s.seconds()[i] > s.seconds()[i - 1], "in order");
                        assertEquals(2 * s.seconds()[i], s.values()[i], "value stays with its time");
                    }
                }
            }
        }
    }

    @Test
    void thinnedPointsStayEvenlySpaced() {
        ReportData data = new ReportData(64, 10);
        for (int i = 0; i < 10_000; i++) {
            data.record("x", i, i);
        }
        double[] t = data.snapshot().series("x").seconds();
        double step = t[1] - t[0];
        // All gaps equal except the last one, which ends at the provisional latest point.
        for (int i = 1; i < t.length - 1; i++) {
            assertEquals(step, t[i] - t[i - 1], "gap " + i);
        }
        assertTrue(t[t.length - 1] - t[t.length - 2] <= step);
    }

    @Test
    void concurrentRecordingLosesNothingUnderTheBound() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        ReportData data = new ReportData(ReportData.DEFAULT_MAX_POINTS, 10);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        data.record("shared", i, id);
                        data.record("own/" + id, i, i);
                        if (i % 500 == 0) {
                            data.putSummary("thread " + id, "at " + i);
                            data.addSegmentationExample("t" + id, new float[4], 1, 2, 2, new byte[4], null);
                            data.snapshot();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        ReportData.Snapshot s = data.snapshot();
        assertEquals(threads * perThread, s.series("shared").seconds().length);
        assertEquals(threads * perThread, s.series("shared").received());
        for (int t = 0; t < threads; t++) {
            assertEquals(perThread, s.series("own/" + t).seconds().length);
        }
        assertEquals(threads, s.summary().size());
        assertEquals(ReportData.MAX_EXAMPLES, s.examples().size());
    }

    @Test
    void examplesKeepTheLastSixAndAreCopied() {
        ReportData data = new ReportData();
        float[] image = {1, 2, 3, 4};
        for (int i = 0; i < 9; i++) {
            image[0] = i;
            data.addSegmentationExample("e" + i, image, 1, 2, 2, new byte[] {0, 1, 0, 1}, new byte[4]);
        }
        List<SegmentationExample> ex = data.snapshot().examples();
        assertEquals(6, ex.size());
        assertEquals("e3", ex.get(0).title());
        assertEquals("e8", ex.get(5).title());
        assertEquals(3f, ex.get(0).image()[0]);
        assertThrows(IllegalArgumentException.class,
                () -> data.addSegmentationExample("bad", new float[5], 1, 2, 2, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> data.addSegmentationExample("bad", new float[4], 2, 1, 2, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> data.addSegmentationExample("bad", new float[4], 1, 2, 2, new byte[3], null));
    }

    @Test
    void embeddingsLatestWinsAndAreBounded() {
        ReportData data = new ReportData(10, 50);
        assertNull(data.snapshot().embeddings());
        float[][] v = new float[200][3];
        int[] ids = new int[200];
        for (int i = 0; i < 200; i++) {
            v[i][0] = i;
            ids[i] = i;
        }
        data.setEmbeddings(v, ids);
        ReportData.Embeddings e = data.snapshot().embeddings();
        assertEquals(50, e.vectors().length);
        for (int i = 0; i < 50; i++) {
            assertEquals(e.identities()[i], (int) e.vectors()[i][0], "identity stays with its vector");
            if (i > 0) {
                assertTrue(e.identities()[i] > e.identities()[i - 1], "input order");
            }
        }
        data.setEmbeddings(new float[][] {{1f, 2f}}, new int[] {7});
        assertArrayEquals(new int[] {7}, data.snapshot().embeddings().identities());
        assertThrows(IllegalArgumentException.class, () -> data.setEmbeddings(new float[2][2], new int[1]));
        assertThrows(IllegalArgumentException.class,
                () -> data.setEmbeddings(new float[][] {{1f}, {1f, 2f}}, new int[2]));
    }

    @Test
    void summaryKeepsInsertionOrder() {
        ReportData data = new ReportData();
        data.putSummary("frames in", "10");
        data.putSummary("model version", "3");
        data.putSummary("frames in", "20");
        assertEquals(List.of("frames in", "model version"), List.copyOf(data.snapshot().summary().keySet()));
        assertEquals("20", data.snapshot().summary().get("frames in"));
    }

    @Test
    void validatesArguments() {
        ReportData data = new ReportData();
        assertThrows(IllegalArgumentException.class, () -> data.record(" ", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> data.record("x", Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReportData(1, 10));
        data.record("x", 0, Double.NaN);
        assertTrue(Double.isNaN(data.snapshot().series("x").values()[0]));
    }
}
