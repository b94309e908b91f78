package dev.pixelflow.streams;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Batching for the training and inference paths: a batch is emitted when it is full or when its first
 * element has waited long enough, whichever comes first. Built on Pekko's {@code groupedWithin}, so it keeps
 * at most one batch in memory and back-pressures upstream when downstream is slow.
 */
public final class Batching {
    private Batching() {
    }

    /**
     * A flow that groups elements into lists of at most {@code maxSize}, emitting a partial list after
     * {@code maxWait}.
     */
    public static <T> Flow<T, List<T>, NotUsed> batches(int maxSize, Duration maxWait) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + maxSize);
        }
        if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("batch wait must be a positive duration, got " + maxWait);
        }
        return Flow.<T>create().groupedWithin(maxSize, maxWait);
    }
}
