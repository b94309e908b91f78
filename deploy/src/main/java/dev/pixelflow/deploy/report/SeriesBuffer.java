package dev.pixelflow.deploy.report;

import java.util.Arrays;

/**
 * A bounded, evenly thinned record of one time series (not thread-safe; {@link ReportData} locks around it).
 *
 * <p>Points arriving in order 0, 1, 2, ... are kept when their arrival index is a multiple of the current
 * {@code stride} (initially 1). When the buffer is full, every other kept point is dropped (positions 0, 2, 4, ...
 * stay) and the stride doubles, so kept points stay evenly spaced in arrival order. The most recent point is
 * always held as well, as a provisional last entry until the next point replaces it, so the first and the
 * latest point are always present and the size never exceeds {@code capacity}.
 */
final class SeriesBuffer {

    private final int capacity;
    private double[] t = new double[16];
    private double[] v = new double[16];
    private int size;
    private long received;
    private long stride = 1;
    private boolean provisionalLast;

    SeriesBuffer(int capacity) {
        assert capacity >= 2;
        this.capacity = capacity;
    }

    void add(double time, double value) {
        if (provisionalLast) {
            size--;
            provisionalLast = false;
        }
        long index = received++;
        if (size == capacity) {
            compact();
        }
        append(time, value);
        provisionalLast = index % stride != 0;
    }

    /** Keeps kept points 0, 2, 4, ... and doubles the stride; the surviving points are on the new grid. */
    private void compact() {
        int kept = 0;
        for (int i = 0; i < size; i += 2) {
            t[kept] = t[i];
            v[kept] = v[i];
            kept++;
        }
        size = kept;
        stride *= 2;
    }

    private void append(double time, double value) {
        if (size == t.length) {
            int grown = Math.min(capacity, t.length * 2);
            t = Arrays.copyOf(t, grown);
            v = Arrays.copyOf(v, grown);
        }
        t[size] = time;
        v[size] = value;
        size++;
    }

    int size() {
        return size;
    }

    double[] times() {
        return Arrays.copyOf(t, size);
    }

    double[] values() {
        return Arrays.copyOf(v, size);
    }

    /** Points offered so far, kept or not. */
    long received() {
        return received;
    }
}
