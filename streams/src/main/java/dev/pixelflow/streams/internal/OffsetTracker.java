package dev.pixelflow.streams.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerMessage.PartitionOffset;

/**
 * Commits out-of-order completions in order. The job's routes (training, inference, dead letters) finish
 * records at different speeds, but committing offset {@code n} of a partition tells Kafka that everything
 * before {@code n} is done. So every record is registered in consumption order; when routes report records
 * complete, in any order, only the highest offset below which every registered record is complete (the
 * watermark) is released for commit. A crash then re-delivers every record that was not fully processed.
 *
 * <p>A registered offset at or below the partition's last one means the partition was re-assigned and is
 * consumed again from its committed position: its pending state is dropped. Completions of records no longer
 * tracked are ignored. Memory is bounded by the records in flight, which the stream's buffers bound.
 * Thread-safe.
 */
public final class OffsetTracker {
    private static final class Partition {
        final TreeMap<Long, CommittableOffset> pending = new TreeMap<>();
        final TreeMap<Long, CommittableOffset> done = new TreeMap<>();
        long lastRegistered = -1;
        long committedNext = -1;
    }

    private final Map<String, Partition> partitions = new HashMap<>();

    private static String key(PartitionOffset p) {
        return p.key().topicPartition().topic() + "-" + p.key().topicPartition().partition();
    }

    /** Registers a record in consumption order. */
    public synchronized void register(CommittableOffset offset) {
        PartitionOffset po = offset.partitionOffset();
        Partition p = partitions.computeIfAbsent(key(po), k -> new Partition());
        if (po.offset() <= p.lastRegistered) {
            p.pending.clear();
            p.done.clear();
        }
        p.lastRegistered = po.offset();
        p.pending.put(po.offset(), offset);
    }

    /**
     * Marks a record complete; returns the offset to commit if the partition's watermark advanced (the highest
     * record with every earlier registered record complete), else an empty list.
     */
    public List<CommittableOffset> complete(CommittableOffset offset) {
        return complete(List.of(offset));
    }

    /**
     * Marks records complete (a batch's, in any order); returns, per partition whose watermark advanced, the
     * offset to commit, in the order the partitions first advanced.
     */
    public synchronized List<CommittableOffset> complete(List<CommittableOffset> offsets) {
        List<CommittableOffset> out = new ArrayList<>(1);
        for (CommittableOffset offset : offsets) {
            PartitionOffset po = offset.partitionOffset();
            Partition p = partitions.get(key(po));
            if (p == null || p.pending.remove(po.offset()) == null) {
                continue;
            }
            p.done.put(po.offset(), offset);
            long firstPending = p.pending.isEmpty() ? Long.MAX_VALUE : p.pending.firstKey();
            CommittableOffset watermark = null;
            while (!p.done.isEmpty() && p.done.firstKey() < firstPending) {
                watermark = p.done.pollFirstEntry().getValue();
            }
            if (watermark != null) {
                p.committedNext = watermark.partitionOffset().offset() + 1;
                replaceOrAdd(out, watermark);
            }
        }
        return out;
    }

    /** Puts {@code watermark} in place of an earlier one of its partition, else at the end. */
    private static void replaceOrAdd(List<CommittableOffset> out, CommittableOffset watermark) {
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).partitionOffset().key().equals(watermark.partitionOffset().key())) {
                out.set(i, watermark);
                return;
            }
        }
        out.add(watermark);
    }

    /** The next offset to consume per {@code topic-partition}, as released for commit so far. */
    public synchronized Map<String, Long> released() {
        Map<String, Long> m = new LinkedHashMap<>();
        partitions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> e.getValue().committedNext >= 0)
                .forEach(e -> m.put(e.getKey(), e.getValue().committedNext));
        return m;
    }

    /** Records registered and not complete yet. */
    public synchronized int inFlight() {
        return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
    }
}
