package dev.pixelflow.streams;

import dev.pixelflow.simd.train.StepResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's metrics, aggregated over a window and then reset: frames in by route, dead letters, results,
 * training steps (applied and skipped), mean loss and step metrics per model (object IoU and pixel accuracy
 * of the segmenter on each batch before it trains on it — test-then-train, so every frame is unseen when it is
 * scored; the active-triplet fraction of the embedder), recall@1 on the held-out identity frames, the class
 * weight in use, model versions and snapshot ages. Thread-safe: stages on several threads record into it.
 */
public final class MetricsWindow {
    private final long startNanos = System.nanoTime();
    private long windowStart = startNanos;
    private final Map<String, Long> counters = new TreeMap<>();
    private final Map<String, double[]> means = new TreeMap<>(); // name -> {sum, count}
    private final Map<String, Double> gauges = new TreeMap<>();
    private final Map<String, Long> totals = new TreeMap<>();
    private final Map<String, String> labels = new TreeMap<>();

    /** Adds {@code n} to a counter of this window (and its running total). */
    public synchronized void count(String name, long n) {
        counters.merge(name, n, Long::sum);
        totals.merge(name, n, Long::sum);
    }

    /** Adds a value to the window's mean of {@code name}; NaN values are ignored. */
    public synchronized void mean(String name, double value) {
        if (!Double.isNaN(value)) {
            double[] a = means.computeIfAbsent(name, k -> new double[2]);
            a[0] += value;
            a[1]++;
        }
    }

    /** Sets the latest value of {@code name} (kept across windows). */
    public synchronized void gauge(String name, double value) {
        gauges.put(name, value);
    }

    /** Sets a text value reported with every window, e.g. the node's cluster address. */
    public synchronized void label(String name, String value) {
        labels.put(name, value);
    }

    /** Records a training step of {@code model}. */
    public void step(String model, StepResult r) {
        count(model + ".steps", 1);
        if (!r.applied()) {
            count(model + ".skipped-steps", 1);
        }
        mean(model + ".loss", r.loss());
        for (var e : r.metrics().entrySet()) {
            mean(model + "." + e.getKey(), e.getValue());
        }
    }

    /** Seconds since this object was created. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The running total of a counter over all windows. */
    public synchronized long total(String name) {
        return totals.getOrDefault(name, 0L);
    }

    /**
     * This window's metrics, then a new window: labels, {@code window-seconds}, {@code elapsed-seconds}, counters (and
     * {@code frames/s} from {@code frames.in}), means, gauges, and running totals as {@code total.<name>}.
     */
    public synchronized Map<String, Object> drain() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - windowStart) / 1e9);
        Map<String, Object> m = new LinkedHashMap<>();
        labels.forEach(m::put);
        m.put("elapsed-seconds", round((now - startNanos) / 1e9));
        m.put("window-seconds", round(seconds));
        m.put("frames/s", round(counters.getOrDefault("frames.in", 0L) / seconds));
        counters.forEach(m::put);
        means.forEach((k, a) -> m.put(k, round(a[0] / a[1])));
        gauges.forEach((k, v) -> m.put(k, round(v)));
        totals.forEach((k, v) -> m.put("total." + k, v));
        counters.clear();
        means.clear();
        windowStart = now;
        return m;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 1e5) / 1e5 : v;
    }
}
