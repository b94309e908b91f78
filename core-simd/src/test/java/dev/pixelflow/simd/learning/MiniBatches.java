package dev.pixelflow.simd.learning;

import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;

/**
 * Seeded shuffled mini-batches of a sample set: each epoch a fresh permutation of the rows, cut into batches of a
 * fixed size (the last, shorter batch of an epoch is dropped). Rows are copied into two preallocated batch
 * tensors, {@code [batch, ...]} shaped like the data minus its first dimension.
 */
final class MiniBatches implements AutoCloseable {
    private final Tensor inputs;
    private final Tensor targets;
    private final int[] order;
    private final SplittableRandom random;
    private final Tensor batchInputs;
    private final Tensor batchTargets;
    private final int batch;
    private int next;

    MiniBatches(Tensor inputs, Tensor targets, int batch, long seed) {
        this.inputs = inputs;
        this.targets = targets;
        this.batch = batch;
        this.order = new int[inputs.dim(0)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.random = new SplittableRandom(seed);
        this.batchInputs = Tensor.zeros(withBatch(inputs.shape(), batch));
        this.batchTargets = Tensor.zeros(withBatch(targets.shape(), batch));
        this.next = order.length;
    }

    private static int[] withBatch(int[] shape, int batch) {
        int[] s = shape.clone();
        s[0] = batch;
        return s;
    }

    /** Batches per epoch. */
    int perEpoch() {
        return order.length / batch;
    }

    /** Fills {@link #inputs()} and {@link #targets()} with the next batch, reshuffling at each epoch start. */
    void next() {
        if (next + batch > order.length) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            next = 0;
        }
        copyRows(inputs, batchInputs);
        copyRows(targets, batchTargets);
        next += batch;
    }

    private void copyRows(Tensor from, Tensor to) {
        long row = from.size() / from.dim(0);
        for (int b = 0; b < batch; b++) {
            long src = order[next + b] * row;
            for (long k = 0; k < row; k++) {
                to.setFlat(b * row + k, from.getFlat(src + k));
            }
        }
    }

    Tensor inputs() {
        return batchInputs;
    }

    Tensor targets() {
        return batchTargets;
    }

    @Override
    public void close() {
        batchInputs.close();
        batchTargets.close();
    }
}
