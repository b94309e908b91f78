package dev.pixelflow.streams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerMessage.GroupTopicPartition;
import org.apache.pekko.kafka.ConsumerMessage.PartitionOffset;
import org.junit.jupiter.api.Test;
import scala.concurrent.Future;

class OffsetTrackerTest {
    /** A committable offset that only knows where it is (the tracker never commits). */
    private record Offset(PartitionOffset partitionOffset) implements CommittableOffset {
        @Override
        public Future<Done> commitInternal() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Done> commitScaladsl() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Done> commitJavadsl() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long batchSize() {
            return 1;
        }
    }

    private static CommittableOffset at(int partition, long offset) {
        return new Offset(new PartitionOffset(new GroupTopicPartition("g", "t", partition), offset));
    }

    private static List<Long> offsets(List<CommittableOffset> c) {
        return c.stream().map(o -> o.partitionOffset().offset()).toList();
    }

    @Test
    void releasesOnlyTheContiguousWatermark() {
        OffsetTracker t = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            t.register(at(0, o));
        }
        assertEquals(List.of(), offsets(t.complete(at(0, 12))));
        assertEquals(List.of(), offsets(t.complete(at(0, 11))));
        assertEquals(List.of(12L), offsets(t.complete(at(0, 10))), "10, 11, 12 done: commit 12");
        assertEquals(List.of(), offsets(t.complete(at(0, 14))));
        assertEquals(List.of(14L), offsets(t.complete(at(0, 13))));
        assertEquals(Map.of("t-0", 15L), t.released());
        assertEquals(0, t.inFlight());
        assertEquals(List.of(), offsets(t.complete(at(0, 13))), "a second completion is ignored");
    }

    @Test
    void partitionsAreIndependentAndAReassignmentRestarts() {
        OffsetTracker t = new OffsetTracker();
        t.register(at(0, 0));
        t.register(at(1, 0));
        t.register(at(0, 1));
        assertEquals(List.of(0L), offsets(t.complete(at(1, 0))));
        assertEquals(List.of(), offsets(t.complete(at(0, 1))));
        // Partition 0 is consumed again from its committed position 0: the old pending state is dropped.
        t.register(at(0, 0));
        assertEquals(1, t.inFlight());
        assertEquals(List.of(0L), offsets(t.complete(at(0, 0))));
    }

    @Test
    void aBatchReleasesOneWatermarkPerPartitionThatAdvanced() {
        OffsetTracker t = new OffsetTracker();
        for (long o = 0; o < 4; o++) {
            t.register(at(0, o));
            t.register(at(1, o));
        }
        assertEquals(List.of(), offsets(t.complete(List.of(at(0, 1), at(1, 3)))), "neither partition's first is done");
        assertEquals(List.of(2L, 0L), offsets(t.complete(List.of(at(0, 2), at(0, 0), at(1, 0), at(1, 2)))),
                "partition 0 up to 2 (3 pending), partition 1 up to 0 (1 pending)");
        assertEquals(Map.of("t-0", 3L, "t-1", 1L), t.released());
        List<CommittableOffset> last = t.complete(List.of(at(1, 1), at(0, 3), at(1, 2), at(1, 1)));
        assertEquals(List.of(3L, 3L), offsets(last), "one watermark per partition, the last one; repeats ignored");
        assertEquals(List.of(1, 0), last.stream().map(o -> o.partitionOffset().key().partition()).toList(),
                "in the order the partitions first advanced");
        assertEquals(0, t.inFlight());
    }

    @Test
    void randomCompletionOrderCommitsExactlyTheFinishedPrefix() {
        SplittableRandom r = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            int n = 1 + r.nextInt(60);
            OffsetTracker t = new OffsetTracker();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                t.register(at(0, 100 + i));
                order.add(i);
            }
            Collections.shuffle(order, new java.util.Random(round));
            boolean[] done = new boolean[n];
            long committed = -1;
            for (int i : order) {
                done[i] = true;
                List<CommittableOffset> c = t.complete(at(0, 100 + i));
                int prefix = 0;
                while (prefix < n && done[prefix]) {
                    prefix++;
                }
                long expect = prefix == 0 ? -1 : 100 + prefix - 1;
                if (expect != committed) {
                    assertEquals(List.of(expect), offsets(c), "round " + round);
                    committed = expect;
                } else {
                    assertTrue(c.isEmpty(), "round " + round);
                }
            }
            assertEquals(100L + n - 1, committed);
        }
    }
}
