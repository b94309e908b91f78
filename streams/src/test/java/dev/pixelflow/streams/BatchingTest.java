package dev.pixelflow.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchingTest {
    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "batching-test");
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    @Test
    void fullBatchesThenTheRemainder() throws Exception {
        List<List<Integer>> out = Source.from(IntStream.range(0, 10).boxed().toList())
                .via(Batching.batches(4, Duration.ofSeconds(5)))
                .runWith(Sink.seq(), system)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9)), out);
    }

    @Test
    void aSlowSourceStillGetsPartialBatchesOnTime() throws Exception {
        List<List<Integer>> out = Source.from(List.of(1, 2, 3))
                .throttle(1, Duration.ofMillis(150))
                .via(Batching.batches(100, Duration.ofMillis(50)))
                .runWith(Sink.seq(), system)
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(3, out.stream().mapToInt(List::size).sum());
        assertEquals(3, out.size(), "each element waited alone past the deadline: " + out);
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Batching.batches(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> Batching.batches(1, Duration.ZERO));
    }
}
