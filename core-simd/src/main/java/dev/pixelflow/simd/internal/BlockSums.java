package dev.pixelflow.simd.internal;

/**
 * Deterministic parallel sums for the loss kernels. The work is cut into a fixed number of items whose
 * boundaries do not depend on the thread count; every item's partial sum lands in its own slot and the slots
 * are added in item order afterwards, so one thread and many threads give bit-identical results.
 */
public final class BlockSums {

    /** The partial sum of one item (NaN to report invalid input). */
    @FunctionalInterface
    public interface Item {
        double run(int item);
    }

    private BlockSums() {
    }

    /** {@code sum_{i < items} item.run(i)}, items spread over {@code pool} (null: the calling thread). */
    public static double sum(ComputePool pool, int items, Item item) {
        if (pool == null || pool.threads() == 1 || items <= 1) {
            double total = 0;
            for (int i = 0; i < items; i++) {
                total += item.run(i);
            }
            return total;
        }
        double[] parts = new double[items];
        // one chunk per item: the threads claim items as they go, which balances a busy machine
        pool.parallelFor(items, items, (from, to) -> {
            for (int i = from; i < to; i++) {
                parts[i] = item.run(i);
            }
        });
        double total = 0;
        for (double p : parts) {
            total += p;
        }
        return total;
    }
}
