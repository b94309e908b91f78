package dev.pixelflow.streams.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The averaging protocol of {@link ModelCoordinator}, with every message serialized (CBOR) as if it crossed
 * nodes.
 */
class ModelCoordinatorTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
            "pekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));
    private static final Duration ROUND = Duration.ofMillis(300);

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    private static ModelCoordinator.Averaged contribute(ActorRef<ModelCoordinator.Command> c,
                                                        TestProbe<ModelCoordinator.Averaged> replica, String name,
                                                        long base, long steps, float... p) {
        c.tell(new ModelCoordinator.Contribute(name, base, steps, ParameterBlob.bytes(p), replica.getRef()));
        return replica.receiveMessage(Duration.ofSeconds(5));
    }

    private static ModelCoordinator.Status status(ActorRef<ModelCoordinator.Command> c) {
        TestProbe<ModelCoordinator.Status> probe = KIT.createTestProbe();
        c.tell(new ModelCoordinator.GetStatus(probe.getRef()));
        return probe.receiveMessage(Duration.ofSeconds(5));
    }

    @Test
    void averagesRoundsWeightedBySteps() {
        var c = KIT.spawn(ModelCoordinator.create("m", ModelStore.none(), Duration.ofSeconds(30)));
        TestProbe<ModelCoordinator.Averaged> a = KIT.createTestProbe();
        TestProbe<ModelCoordinator.Averaged> b = KIT.createTestProbe();

        // The first contribution seeds the model: version 1 is replica a's parameters.
        var first = contribute(c, a, "a", 0, 5, 1f, 2f);
        assertEquals(1, first.version());
        assertTrue(first.accepted());
        assertArrayEquals(new float[] {1f, 2f}, ParameterBlob.floats(first.parameters()));

        // b joins late, based on nothing: answered with version 1, not averaged in.
        var joined = contribute(c, b, "b", 0, 7, 100f, 100f);
        assertFalse(joined.accepted());
        assertEquals(1, joined.version());
        assertArrayEquals(new float[] {1f, 2f}, ParameterBlob.floats(joined.parameters()));
        assertEquals(List.of("a", "b"), status(c).expected());

        // Both on version 1: the round waits for both, then averages 3:1 by steps.
        c.tell(new ModelCoordinator.Contribute("a", 1, 3, ParameterBlob.bytes(new float[] {4f, 8f}), a.getRef()));
        a.expectNoMessage(Duration.ofMillis(200));
        var fromB = contribute(c, b, "b", 1, 1, 0f, 4f);
        var fromA = a.receiveMessage(Duration.ofSeconds(5));
        assertEquals(2, fromA.version());
        assertEquals(2, fromB.version());
        assertEquals(2, fromA.contributors());
        assertArrayEquals(new float[] {3f, 7f}, ParameterBlob.floats(fromA.parameters()));
        assertArrayEquals(fromA.parameters(), fromB.parameters());
    }

    @Test
    void aSilentReplicaDoesNotBlockTheRoundAndRejoinsWithoutCorruptingIt() {
        var c = KIT.spawn(ModelCoordinator.create("m", ModelStore.none(), ROUND));
        TestProbe<ModelCoordinator.Averaged> a = KIT.createTestProbe();
        TestProbe<ModelCoordinator.Averaged> b = KIT.createTestProbe();
        contribute(c, a, "a", 0, 1, 1f);
        contribute(c, b, "b", 0, 1, 1f);
        c.tell(new ModelCoordinator.Contribute("a", 1, 1, ParameterBlob.bytes(new float[] {2f}), a.getRef()));
        assertArrayEquals(new float[] {3f}, ParameterBlob.floats(contribute(c, b, "b", 1, 1, 4f).parameters()));
        assertEquals(2, a.receiveMessage(Duration.ofSeconds(5)).version());
        assertEquals(0, status(c).roundsTimedOut());
        // b goes silent (partitioned, dead): a's rounds close after the timeout without it.
        long start = System.nanoTime();
        var v3 = contribute(c, a, "a", 2, 1, 5f);
        assertTrue(System.nanoTime() - start >= ROUND.toNanos() * 9 / 10, "waited for b up to the round timeout");
        assertEquals(3, v3.version());
        assertArrayEquals(new float[] {5f}, ParameterBlob.floats(v3.parameters()));
        assertEquals(1, status(c).roundsTimedOut());
        assertEquals(List.of("a"), status(c).expected(), "b is no longer waited for");
        var v4 = contribute(c, a, "a", 3, 1, 6f);
        assertEquals(4, v4.version(), "closed at once: only a is expected");

        // b comes back with parameters trained on version 2: they never enter the average.
        var back = contribute(c, b, "b", 2, 50, -1000f);
        assertFalse(back.accepted());
        assertEquals(4, back.version());
        assertArrayEquals(new float[] {6f}, ParameterBlob.floats(back.parameters()));
        assertEquals(2, status(c).staleContributions(), "b's first contribution and this one");
        // From the adopted version it takes part again.
        c.tell(new ModelCoordinator.Contribute("a", 4, 1, ParameterBlob.bytes(new float[] {8f}), a.getRef()));
        var v5 = contribute(c, b, "b", 4, 1, 10f);
        assertEquals(5, v5.version());
        assertArrayEquals(new float[] {9f}, ParameterBlob.floats(v5.parameters()));
        assertEquals(5, a.receiveMessage(Duration.ofSeconds(5)).version());
    }

    @Test
    void aMovedCoordinatorStartsFromTheStoreAndNeverGoesBack(@TempDir Path dir) throws Exception {
        FileModelStore store = new FileModelStore(dir);
        var c = KIT.spawn(ModelCoordinator.create("m", store, ROUND));
        TestProbe<ModelCoordinator.Averaged> a = KIT.createTestProbe();
        contribute(c, a, "a", 0, 1, 1f, 1f);
        contribute(c, a, "a", 1, 1, 2f, 3f);
        assertEquals(2, store.load("m").version());
        KIT.stop(c);

        // The shard moves: the new coordinator starts from the saved version 2.
        var moved = KIT.spawn(ModelCoordinator.create("m", store, ROUND));
        assertEquals(2, status(moved).version());
        var v3 = contribute(moved, a, "a", 2, 1, 4f, 4f);
        assertEquals(3, v3.version());

        // A store behind the replicas (or none): the coordinator adopts the newer replica's state.
        var empty = KIT.spawn(ModelCoordinator.create("m", ModelStore.none(), ROUND));
        var adopted = contribute(empty, a, "a", 7, 1, 9f, 9f);
        assertEquals(8, adopted.version(), "continues after the replica's version 7, never below it");
        assertArrayEquals(new float[] {9f, 9f}, ParameterBlob.floats(adopted.parameters()));
    }

    @Test
    void aContributionOfAnotherArchitectureIsIgnored() {
        var c = KIT.spawn(ModelCoordinator.create("m", ModelStore.none(), ROUND));
        TestProbe<ModelCoordinator.Averaged> a = KIT.createTestProbe();
        contribute(c, a, "a", 0, 1, 1f, 2f);
        c.tell(new ModelCoordinator.Contribute("odd", 1, 1, ParameterBlob.bytes(new float[] {1f, 2f, 3f}),
                a.getRef()));
        a.expectNoMessage(Duration.ofMillis(300));
        assertEquals(List.of("a"), status(c).expected());
    }
}
