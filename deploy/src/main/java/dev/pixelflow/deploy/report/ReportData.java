package dev.pixelflow.deploy.report;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What the demo report shows, collected while the pipeline runs. Thread-safe: every method takes one lock, so
 * actors on several threads may record concurrently; {@link #snapshot()} returns an immutable copy for writing.
 *
 * <p>Bounded memory:
 * <ul>
 *   <li>time series: at most {@code maxPointsPerSeries} points each. When a series is full, every other stored
 *       point is dropped and from then on only every second (fourth, ...) arriving point is kept, so the stored
 *       points stay evenly spaced in arrival order; the first point and the most recent point are always kept.</li>
 *   <li>examples: the last {@link #MAX_EXAMPLES} segmentation examples.</li>
 *   <li>embeddings: the latest set only, reduced to at most {@code maxEmbeddingPoints} rows by a seeded random
 *       sample (same input, same sample).</li>
 *   <li>summary: one value per key, in first-insertion order.</li>
 * </ul>
 * Arrays passed in are copied.
 */
public final class ReportData {

    /** Default bound on points per series. */
    public static final int DEFAULT_MAX_POINTS = 10_000;
    /** Default bound on embedding rows kept. */
    public static final int DEFAULT_MAX_EMBEDDING_POINTS = 2_000;
    /** Segmentation examples kept (the most recent). */
    public static final int MAX_EXAMPLES = 6;

    /**
     * A copy of one series.
     *
     * @param name     series name, e.g. "loss/segmentation"
     * @param seconds  time of each kept point, seconds since start
     * @param values   value of each kept point (NaN allowed: a gap)
     * @param received points recorded in total, kept or not
     */
    public record Series(String name, double[] seconds, double[] values, long received) {
    }

    /**
     * A set of embedding vectors with the identity of each.
     *
     * @param vectors    rows of equal dimension
     * @param identities one identity per row
     */
    public record Embeddings(float[][] vectors, int[] identities) {
    }

    /**
     * An immutable copy of the data at one moment.
     *
     * @param series     all series in first-recorded order
     * @param examples   the kept examples, oldest first
     * @param embeddings the latest embeddings, or null if none were set
     * @param summary    summary lines in first-insertion order
     */
    public record Snapshot(List<Series> series, List<SegmentationExample> examples, Embeddings embeddings,
                           Map<String, String> summary) {

        /** The series named {@code name}, or null. */
        public Series series(String name) {
            for (Series s : series) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
            return null;
        }
    }

    private final int maxPointsPerSeries;
    private final int maxEmbeddingPoints;
    private final Object lock = new Object();
    private final Map<String, SeriesBuffer> series = new LinkedHashMap<>();
    private final ArrayDeque<SegmentationExample> examples = new ArrayDeque<>();
    private final Map<String, String> summary = new LinkedHashMap<>();
    private Embeddings embeddings;

    /** Data with the default bounds. */
    public ReportData() {
        this(DEFAULT_MAX_POINTS, DEFAULT_MAX_EMBEDDING_POINTS);
    }

    /** Data keeping at most {@code maxPointsPerSeries} (&gt;= 2) points per series and {@code maxEmbeddingPoints}
     * (&gt;= 1) embedding rows. */
    public ReportData(int maxPointsPerSeries, int maxEmbeddingPoints) {
        if (maxPointsPerSeries < 2) {
            throw new IllegalArgumentException("max points per series must be >= 2, got " + maxPointsPerSeries);
        }
        if (maxEmbeddingPoints < 1) {
            throw new IllegalArgumentException("max embedding points must be >= 1, got " + maxEmbeddingPoints);
        }
        this.maxPointsPerSeries = maxPointsPerSeries;
        this.maxEmbeddingPoints = maxEmbeddingPoints;
    }

    /**
     * Records {@code value} of {@code series} at {@code secondsSinceStart}. The value may be NaN (drawn as a gap);
     * the time must be finite. Points of one series are expected in time order.
     */
    public void record(String series, double secondsSinceStart, double value) {
        requireName(series, "series name");
        if (!Double.isFinite(secondsSinceStart)) {
            throw new IllegalArgumentException("time of series '" + series + "' must be finite, got "
                    + secondsSinceStart);
        }
        synchronized (lock) {
            this.series.computeIfAbsent(series, k -> new SeriesBuffer(maxPointsPerSeries))
                    .add(secondsSinceStart, value);
        }
    }

    /** Adds an example frame (see {@link SegmentationExample} for layouts); keeps the last {@link #MAX_EXAMPLES}. */
    public void addSegmentationExample(String title, float[] image, int channels, int height, int width,
                                       byte[] trueMask, byte[] predictedMask) {
        SegmentationExample e = new SegmentationExample(title, image, channels, height, width, trueMask,
                predictedMask).deepCopy();
        synchronized (lock) {
            examples.addLast(e);
            while (examples.size() > MAX_EXAMPLES) {
                examples.removeFirst();
            }
        }
    }

    /**
     * Replaces the embeddings: {@code vectors[i]} (all of one dimension &gt;= 1) has identity {@code identities[i]}.
     * More than {@code maxEmbeddingPoints} rows are reduced to a seeded random sample of that size, in input order.
     */
    public void setEmbeddings(float[][] vectors, int[] identities) {
        Objects.requireNonNull(vectors, "vectors");
        Objects.requireNonNull(identities, "identities");
        if (vectors.length != identities.length) {
            throw new IllegalArgumentException("need one identity per vector: " + vectors.length + " vectors, "
                    + identities.length + " identities");
        }
        int d = vectors.length == 0 ? 0 : Objects.requireNonNull(vectors[0], "vector 0").length;
        if (vectors.length > 0 && d < 1) {
            throw new IllegalArgumentException("embedding dimension must be >= 1, got " + d);
        }
        int[] rows = sampleRows(vectors.length, maxEmbeddingPoints);
        float[][] v = new float[rows.length][];
        int[] ids = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            float[] row = Objects.requireNonNull(vectors[rows[k]], "vector " + rows[k]);
            if (row.length != d) {
                throw new IllegalArgumentException("all vectors must have dimension " + d + ", vector " + rows[k]
                        + " has " + row.length);
            }
            v[k] = row.clone();
            ids[k] = identities[rows[k]];
        }
        synchronized (lock) {
            embeddings = new Embeddings(v, ids);
        }
    }

    /** Sets a summary line; a key set again keeps its position and takes the new value. */
    public void putSummary(String key, String value) {
        requireName(key, "summary key");
        String v = Objects.requireNonNullElse(value, "");
        synchronized (lock) {
            summary.put(key, v);
        }
    }

    /** An immutable copy of everything recorded so far (arrays copied; do not modify them). */
    public Snapshot snapshot() {
        synchronized (lock) {
            List<Series> s = new ArrayList<>(series.size());
            for (Map.Entry<String, SeriesBuffer> e : series.entrySet()) {
                SeriesBuffer b = e.getValue();
                s.add(new Series(e.getKey(), b.times(), b.values(), b.received()));
            }
            return new Snapshot(List.copyOf(s), List.copyOf(examples), embeddings,
                    java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary)));
        }
    }

    /** Sorted row indices of a seeded random sample of {@code min(n, k)} rows out of {@code n}. */
    private static int[] sampleRows(int n, int k) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (n <= k) {
            return idx;
        }
        SplittableRandom rnd = new SplittableRandom(0x5EED_2000L + n);
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(n - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        int[] out = Arrays.copyOf(idx, k);
        Arrays.sort(out);
        return out;
    }

    private static void requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must be non-blank, got " + (name == null ? "null"
                    : "'" + name + "'"));
        }
    }
}
