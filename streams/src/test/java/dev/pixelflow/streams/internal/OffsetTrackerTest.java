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
