package dev.pixelflow.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.streams.PkSampler.Batch;
import dev.pixelflow.streams.PkSampler.Evicted;
import dev.pixelflow.streams.PkSampler.Output;
import dev.pixelflow.streams.PkSampler.Reason;
import dev.pixelflow.streams.PkSampler.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PkSamplerTest {
    private static ActorSystem<Void> system;

    /** A labelled element; {@code seq} is unique per test input, so items can be told apart. */
    record Item(int id, int seq) {
    }

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "pk-sampler-test");
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    // ---- exact examples -------------------------------------------------------------------------------

    @Test
    void batchHasPIdentitiesTimesKItemsGroupedOldestFirst() throws Exception {
        // ids:        a  b  c  a  b  a  c  b  c
        List<Item> in = items(1, 2, 3, 1, 2, 1, 3, 2, 3);
        List<Output<Item>> out = run(Settings.of(3, 2), in);
        // After the 7th element (c) a, b, c all have >= 2 items: line order a, b, c (first buffered).
        // a keeps its third item; then b and c get their third items and the stream ends: FLUSH.
        assertEquals(List.of(
                new Batch<>(List.of(in.get(0), in.get(3), in.get(1), in.get(4), in.get(2), in.get(6)),
                        new int[] {1, 2, 3}),
                new Evicted<>(in.get(5), Reason.FLUSH),
                new Evicted<>(in.get(7), Reason.FLUSH),
                new Evicted<>(in.get(8), Reason.FLUSH)), out);
        Batch<Item> batch = (Batch<Item>) out.get(0);
        assertEquals(3, batch.p());
        assertEquals(2, batch.k());
        assertEquals(List.of(in.get(1), in.get(4)), batch.group(1));
        assertEquals(2, batch.identity(1));
    }

    @Test
    void overflowEvictsTheOldestItemOfTheFullIdentity() throws Exception {
        List<Item> in = items(1, 1, 1, 2, 2);
        List<Output<Item>> out = run(Settings.of(2, 2).withMaxPerIdentity(2), in);
        assertEquals(List.of(
                new Evicted<>(in.get(0), Reason.OVERFLOW),
                new Batch<>(List.of(in.get(1), in.get(2), in.get(3), in.get(4)), new int[] {1, 2})), out);
    }

    @Test
    void capacityEvictsTheLeastRecentlySeenIdentityWithAllItsItems() throws Exception {
        // a a b a c: when c arrives, 2 identities are buffered; b was seen less recently than a.
        // then d: a is now least recently seen (c came later) and goes with its 3 items.
        List<Item> in = items(1, 1, 2, 1, 3, 4, 3, 4);
        Settings settings = Settings.of(2, 2).withMaxIdentities(2).withMaxPerIdentity(4);
        List<Output<Item>> out = run(settings, in);
        assertEquals(List.of(
                new Evicted<>(in.get(2), Reason.CAPACITY),
                new Evicted<>(in.get(0), Reason.CAPACITY),
                new Evicted<>(in.get(1), Reason.CAPACITY),
                new Evicted<>(in.get(3), Reason.CAPACITY),
                new Batch<>(List.of(in.get(4), in.get(6), in.get(5), in.get(7)), new int[] {3, 4})), out);
    }

    @Test
    void staleIdentitiesAreEvictedAfterStaleAfterArrivalsWithoutThem() throws Exception {
        Settings settings = Settings.of(2, 2).withStaleAfter(3);
        // a b b a: a's second item arrives 3 elements after its first (itself included): not stale.
        List<Item> fresh = items(1, 2, 2, 1);
        assertEquals(List.of(new Batch<>(List.of(fresh.get(0), fresh.get(3), fresh.get(1), fresh.get(2)),
                new int[] {1, 2})), run(settings, fresh));
        // a b b b: 3 arrivals of others since a's last one: a is evicted before the third b is buffered.
        List<Item> stale = items(1, 2, 2, 2, 1);
        assertEquals(List.of(
                new Evicted<>(stale.get(0), Reason.STALE),
                new Evicted<>(stale.get(1), Reason.FLUSH),
                new Evicted<>(stale.get(2), Reason.FLUSH),
                new Evicted<>(stale.get(3), Reason.FLUSH),
                new Evicted<>(stale.get(4), Reason.FLUSH)), run(settings, stale));
    }

    @Test
    void anIdentityWithFewFramesStillGetsIntoBatches() throws Exception {
        // r is rare, f and g frequent. After f and g form a batch they rejoin the line behind r, so when r
        // finally has K items it is chosen before g, although g became ready at the same time.
        List<Item> in = items(9, 1, 2, 1, 2, 1, 2, 9, 1, 2);
        List<Output<Item>> out = run(Settings.of(2, 2), in);
        assertEquals(List.of(
                new Batch<>(List.of(in.get(1), in.get(3), in.get(2), in.get(4)), new int[] {1, 2}),
                new Batch<>(List.of(in.get(0), in.get(7), in.get(5), in.get(8)), new int[] {9, 1}),
                new Evicted<>(in.get(6), Reason.FLUSH),
                new Evicted<>(in.get(9), Reason.FLUSH)), out);
    }

    @Test
    void rareIdentitiesAreBatchedAsOftenAsTheirFramesAllowInASkewedStream() throws Exception {
        // Identity 0 is half of the stream; 1..6 share the other half. Fairness means the frequent identity
        // cannot take a place in every batch while rare ones are ready: every rare identity is batched about
        // count/K times, and the frequent one overflows instead.
        SplittableRandom random = new SplittableRandom(7);
        List<Item> in = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            in.add(new Item(random.nextBoolean() ? 0 : 1 + random.nextInt(6), i));
        }
        Settings settings = Settings.of(3, 4).withStaleAfter(1_000_000);
        List<Output<Item>> out = run(settings, in);
        Map<Integer, Integer> received = new HashMap<>();
        in.forEach(item -> received.merge(item.id(), 1, Integer::sum));
        Map<Integer, Integer> batched = new HashMap<>();
        for (Output<Item> o : out) {
            if (o instanceof Batch<Item> b) {
                for (int id : b.identities()) {
                    batched.merge(id, 1, Integer::sum);
                }
            }
        }
        for (int id = 1; id <= 6; id++) {
            int possible = received.get(id) / settings.k();
            assertTrue(batched.get(id) >= possible - 2,
                    "identity " + id + " received " + received.get(id) + " was batched " + batched.get(id));
        }
    }

    // ---- property tests -------------------------------------------------------------------------------

    @Test
    void everyElementLeavesExactlyOnceAndOutputMatchesTheReferenceModel() throws Exception {
        SplittableRandom random = new SplittableRandom(20261130L);
        for (int round = 0; round < 150; round++) {
            int p = 2 + random.nextInt(4);
            int k = 2 + random.nextInt(4);
            Settings settings = Settings.of(p, k)
                    .withMaxPerIdentity(k + random.nextInt(2 * k))
                    .withMaxIdentities(p + random.nextInt(3 * p))
                    .withStaleAfter(random.nextBoolean() ? 1 + random.nextInt(3 * p * k) : 50L * p * k);
            List<Item> in = randomInput(random, random.nextInt(700));
            boolean async = random.nextBoolean();
            String where = "round " + round + " " + settings + " async=" + async + " n=" + in.size();

            List<Output<Item>> out = async ? runAsync(settings, in) : run(settings, in);

            Map<Integer, Item> seen = new HashMap<>();
            for (Output<Item> o : out) {
                switch (o) {
                    case Batch<Item> b -> {
                        checkLayout(b, p, k, where);
                        b.items().forEach(item -> assertEquals(null, seen.put(item.seq(), item), where));
                    }
                    case Evicted<Item> e -> assertEquals(null, seen.put(e.item().seq(), e.item()), where);
                }
            }
            assertEquals(in.size(), seen.size(), "every input leaves exactly once: " + where);
            in.forEach(item -> assertEquals(item, seen.get(item.seq()), where));
            assertEquals(reference(settings, in), out, where);
        }
    }

    @Test
    void slowDownstreamInfiniteSourceStaysWithinTheMemoryBound() throws Exception {
        for (Settings settings : List.of(Settings.of(2, 2), Settings.of(4, 3).withMaxIdentities(6),
                Settings.of(3, 2).withStaleAfter(4))) {
            SplittableRandom random = new SplittableRandom(11);
            AtomicLong pulled = new AtomicLong();
            AtomicLong emitted = new AtomicLong();
            AtomicLong maxHeld = new AtomicLong();
            AtomicInteger seq = new AtomicInteger();
            Source.repeat(0)
                    .map(ignored -> {
                        // Called only when the sampler has demanded an element (map pulls on its demand).
                        long held = pulled.incrementAndGet() - emitted.get();
                        maxHeld.accumulateAndGet(held, Math::max);
                        int id = random.nextInt(4) == 0 ? random.nextInt(50) : random.nextInt(3);
                        return new Item(id, seq.getAndIncrement());
                    })
                    .via(PkSampler.flow(settings, Item::id))
                    .map(o -> {
                        emitted.addAndGet(o instanceof Batch<Item> b ? b.items().size() : 1);
                        return o;
                    })
                    .async()
                    .take(300)
                    .runWith(Sink.foreach(o -> Thread.sleep(1)), system)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertTrue(maxHeld.get() <= settings.maxHeld(),
                    settings + ": held " + maxHeld.get() + " > bound " + settings.maxHeld());
            // The sampler stopped pulling while downstream was slow: only what 300 outputs, the async
            // boundary's buffer and the sampler's bound account for was ever taken from the source.
            long outputs = 300 + 64;
            assertTrue(pulled.get() <= outputs * settings.p() * settings.k() + settings.maxHeld(),
                    settings + ": pulled " + pulled.get());
        }
    }

    @Test
    void aSingleIdentityKeepsFlowingWithOverflowEvictions() throws Exception {
        List<Item> in = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            in.add(new Item(7, i));
        }
        Settings settings = Settings.of(2, 3); // maxPerIdentity = 6
        List<Output<Item>> out = run(settings, in);
        List<Output<Item>> expected = new ArrayList<>();
        for (int i = 0; i < 994; i++) {
            expected.add(new Evicted<>(in.get(i), Reason.OVERFLOW));
        }
        for (int i = 994; i < 1000; i++) {
            expected.add(new Evicted<>(in.get(i), Reason.FLUSH));
        }
        assertEquals(expected, out);

        // Infinite single-identity source: outputs keep coming (no deadlock).
        AtomicInteger seq = new AtomicInteger();
        List<Output<Item>> some = Source.repeat(0)
                .map(ignored -> new Item(3, seq.getAndIncrement()))
                .via(PkSampler.flow(settings, Item::id))
                .take(5000)
                .runWith(Sink.seq(), system)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(5000, some.size());
        assertTrue(some.stream().allMatch(o -> o instanceof Evicted<Item> e && e.reason() == Reason.OVERFLOW));
    }

    @Test
    void emptyInputCompletesWithNothing() throws Exception {
        assertEquals(List.of(), run(Settings.of(2, 2), List.of()));
    }

    @Test
    void exceptionFromIdentityFunctionFailsTheStream() {
        var future = Source.single(new Item(1, 0))
                .via(PkSampler.<Item>flow(Settings.of(2, 2), item -> {
                    throw new IllegalStateException("no label");
                }))
                .runWith(Sink.seq(), system)
                .toCompletableFuture();
        var error = assertThrows(java.util.concurrent.ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        assertEquals("no label", error.getCause().getMessage());
    }

    // ---- settings -------------------------------------------------------------------------------------

    @Test
    void settingsDefaultsAndValidation() {
        Settings s = Settings.of(4, 3);
        assertEquals(new Settings(4, 3, 6, 32, 600), s);
        assertEquals(192, s.maxHeld());
        assertMessage("p (identities per batch) must be >= 2, got 1", () -> Settings.of(1, 3));
        assertMessage("k (items per identity) must be >= 2, got 0", () -> Settings.of(2, 0));
        assertMessage("maxPerIdentity must be >= k=3, got 2", () -> s.withMaxPerIdentity(2));
        assertMessage("maxIdentities must be >= p=4, got 3", () -> s.withMaxIdentities(3));
        assertMessage("staleAfter must be > 0 arrivals, got 0", () -> s.withStaleAfter(0));
        assertMessage("settings must not be null", () -> PkSampler.<Item>flow(null, Item::id));
        assertMessage("identityOf must not be null", () -> PkSampler.<Item>flow(s, null));
        assertMessage("cannot be split evenly over 2 identities",
                () -> new Batch<>(List.of(1, 2, 3), new int[] {1, 2}));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static List<Item> items(int... ids) {
        return IntStream.range(0, ids.length).mapToObj(i -> new Item(ids[i], i)).toList();
    }

    /** Random input from one of several identity distributions: uniform, skewed, one identity, many. */
    private static List<Item> randomInput(SplittableRandom random, int n) {
        int kind = random.nextInt(4);
        int identities = 1 + random.nextInt(kind == 3 ? 400 : 30);
        List<Item> in = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int id = switch (kind) {
                case 0 -> random.nextInt(identities);
                case 1 -> (int) (identities * Math.pow(random.nextDouble(), 4)); // skewed towards 0
                case 2 -> 42;
                default -> random.nextInt(identities) * 1_000_003; // many, large and negative ids
            };
            in.add(new Item(id, i));
        }
        return in;
    }

    private static void checkLayout(Batch<Item> b, int p, int k, String where) {
        int[] ids = b.identities();
        assertEquals(p, ids.length, where);
        assertEquals(p * k, b.items().size(), where);
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < p; i++) {
            assertTrue(distinct.add(ids[i]), "identities distinct: " + where);
            List<Item> group = b.group(i);
            for (int j = 0; j < k; j++) {
                assertEquals(ids[i], group.get(j).id(), "grouped by identity: " + where);
                if (j > 0) {
                    assertTrue(group.get(j - 1).seq() < group.get(j).seq(), "oldest first: " + where);
                }
            }
        }
    }

    private static List<Output<Item>> run(Settings settings, List<Item> in) throws Exception {
        return Source.from(in)
                .via(PkSampler.flow(settings, Item::id))
                .runWith(Sink.seq(), system)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Same, with asynchronous boundaries and a small downstream buffer: the output must not change. */
    private static List<Output<Item>> runAsync(Settings settings, List<Item> in) throws Exception {
        return Source.from(in)
                .async()
                .via(PkSampler.flow(settings, Item::id))
                .async()
                .buffer(1, org.apache.pekko.stream.OverflowStrategy.backpressure())
                .runWith(Sink.seq(), system)
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * A direct, unoptimized statement of the documented rules: for each arrival, STALE evictions (in order of
     * last arrival), then OVERFLOW or CAPACITY, then batches while P identities have K items; at the end,
     * the remaining batches and FLUSH by last arrival, oldest item first.
     */
    private static List<Output<Item>> reference(Settings s, List<Item> input) {
        List<Output<Item>> out = new ArrayList<>();
        Map<Integer, Ident> map = new HashMap<>();
        Comparator<Ident> byLastSeen = Comparator.comparingLong(i -> i.lastSeen);
        long ticks = 0;
        long n = 0;
        for (Item item : input) {
            n++;
            List<Ident> byAge = new ArrayList<>(map.values());
            byAge.sort(byLastSeen);
            for (Ident ident : byAge) {
                if (ident.id != item.id() && n - ident.lastSeen >= s.staleAfter()) {
                    ident.items.forEach(x -> out.add(new Evicted<>(x, Reason.STALE)));
                    map.remove(ident.id);
                }
            }
            Ident ident = map.get(item.id());
            if (ident == null) {
                if (map.size() >= s.maxIdentities()) {
                    Ident victim = map.values().stream().min(byLastSeen).orElseThrow();
                    victim.items.forEach(x -> out.add(new Evicted<>(x, Reason.CAPACITY)));
                    map.remove(victim.id);
                }
                ident = new Ident(item.id());
                ident.tick = ticks++;
                map.put(item.id(), ident);
            } else if (ident.items.size() == s.maxPerIdentity()) {
                out.add(new Evicted<>(ident.items.remove(0), Reason.OVERFLOW));
            }
            ident.items.add(item);
            ident.lastSeen = n;
            ticks = referenceBatches(s, map, out, ticks);
        }
        referenceBatches(s, map, out, ticks);
        List<Ident> rest = new ArrayList<>(map.values());
        rest.sort(byLastSeen);
        rest.forEach(ident -> ident.items.forEach(x -> out.add(new Evicted<>(x, Reason.FLUSH))));
        return out;
    }

    private static long referenceBatches(Settings s, Map<Integer, Ident> map, List<Output<Item>> out, long ticks) {
        while (true) {
            List<Ident> ready = new ArrayList<>();
            for (Ident ident : map.values()) {
                if (ident.items.size() >= s.k()) {
                    ready.add(ident);
                }
            }
            if (ready.size() < s.p()) {
                return ticks;
            }
            ready.sort(Comparator.comparingLong(ident -> ident.tick));
            List<Item> items = new ArrayList<>();
            int[] ids = new int[s.p()];
            for (int i = 0; i < s.p(); i++) {
                Ident ident = ready.get(i);
                ids[i] = ident.id;
                for (int j = 0; j < s.k(); j++) {
                    items.add(ident.items.remove(0));
                }
                ident.tick = ticks++;
            }
            out.add(new Batch<>(items, ids));
        }
    }

    /** The reference model's state of one identity. */
    private static final class Ident {
        final int id;
        final List<Item> items = new ArrayList<>();
        long lastSeen;
        long tick;

        Ident(int id) {
            this.id = id;
        }
    }
}
