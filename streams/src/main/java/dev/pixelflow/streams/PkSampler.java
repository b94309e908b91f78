package dev.pixelflow.streams;

import dev.pixelflow.streams.internal.PkBuffers;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * P×K sampling for triplet-loss training with batch-hard mining: turns a stream of labelled elements,
 * arriving one by one in any identity order, into batches of P distinct identities with K elements each.
 *
 * <h2>Batch layout</h2>
 * A {@link Batch} holds {@code P*K} items grouped by identity: items {@code [i*K, (i+1)*K)} belong to
 * {@code identities[i]}, and within a group the items are in arrival order (oldest first). The P
 * identities are distinct.
 *
 * <h2>Selection rule (fairness)</h2>
 * Identities stand in a waiting line: an identity joins at the back when it is first buffered, and rejoins
 * at the back each time it contributes to a batch (the P identities of one batch rejoin in batch order).
 * Whenever at least P identities hold at least K items, a batch is emitted with the first P of them in line
 * order, i.e. the P identities that have waited longest for a batch; each gives its K oldest items and keeps
 * the rest for a later batch. So a rare identity is batched as soon as it has K items and P-1 others are
 * ready, instead of losing out to the most frequent identities.
 *
 * <h2>Evictions</h2>
 * Memory is bounded, so some elements cannot wait for a batch. They are emitted as {@link Evicted} with a
 * {@link Reason}:
 * <ul>
 *   <li>{@link Reason#STALE}: an identity got no element for {@code staleAfter} consecutive arrivals; all its
 *       items are evicted (checked on each arrival, so staleness is counted in elements, not time);</li>
 *   <li>{@link Reason#OVERFLOW}: an element arrives for an identity already holding {@code maxPerIdentity}
 *       items; its oldest item is evicted to make room;</li>
 *   <li>{@link Reason#CAPACITY}: an element arrives for a new identity while {@code maxIdentities} are
 *       buffered; the least recently seen identity is dropped with all its items;</li>
 *   <li>{@link Reason#FLUSH}: upstream finished; first every batch that can still be formed is emitted,
 *       then every remaining item as FLUSH (least recently seen identity first, oldest item first), then the
 *       stage completes.</li>
 * </ul>
 * For one arrival the order of outputs is: STALE evictions, then OVERFLOW or CAPACITY, then a batch if one
 * became possible.
 *
 * <h2>Guarantee: every element leaves exactly once</h2>
 * Every element that enters the stage is emitted exactly once, either inside a {@code Batch} or as an
 * {@code Evicted}; nothing is dropped silently, so downstream can commit every Kafka offset and count
 * evictions per reason from the {@code Evicted} elements. (If downstream cancels or the stage fails,
 * buffered elements are of course not emitted; their offsets are then not committed either.)
 *
 * <h2>Bounds and back-pressure</h2>
 * The stage holds at most {@code maxIdentities * maxPerIdentity} elements (pulled from upstream and not yet
 * emitted, counting queued evictions). It pulls upstream only while no output is waiting and no batch can be
 * formed; evictions caused by one arrival (at most {@code 2 * maxPerIdentity}) are emitted before the next
 * pull. When buffers are full it evicts (OVERFLOW / CAPACITY) instead of waiting, so it never deadlocks, e.g.
 * when only one identity ever arrives. The output is a deterministic function of the input sequence,
 * whatever the downstream speed. An exception thrown by {@code identityOf} fails the stream.
 */
public final class PkSampler {
    private PkSampler() {
    }

    /**
     * A flow from elements to P×K batches and evictions (see the class documentation).
     *
     * @param settings   P, K and the bounds
     * @param identityOf the identity label of an element (called once per element)
     */
    public static <T> Flow<T, Output<T>, NotUsed> flow(Settings settings, ToIntFunction<? super T> identityOf) {
        if (settings == null) {
            throw new IllegalArgumentException("PkSampler settings must not be null");
        }
        if (identityOf == null) {
            throw new IllegalArgumentException("PkSampler identityOf must not be null");
        }
        return Flow.fromGraph(new Stage<>(settings, identityOf));
    }

    /**
     * Sampler settings. Create with {@link #of(int, int)} and adjust with the {@code with...} methods.
     *
     * @param p              identities per batch, {@code >= 2}
     * @param k              items per identity in a batch, {@code >= 2}
     * @param maxPerIdentity items buffered per identity, {@code >= k} (default {@code 2*k})
     * @param maxIdentities  identities buffered at once, {@code >= p} (default {@code 8*p})
     * @param staleAfter     arrivals without an element for an identity after which it is evicted as STALE,
     *                       {@code > 0} (default {@code 50*p*k})
     */
    public record Settings(int p, int k, int maxPerIdentity, int maxIdentities, long staleAfter) {
        public Settings {
            if (p < 2) {
                throw new IllegalArgumentException("PkSampler p (identities per batch) must be >= 2, got " + p);
            }
            if (k < 2) {
                throw new IllegalArgumentException("PkSampler k (items per identity) must be >= 2, got " + k);
            }
            if ((long) p * k > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("PkSampler batch size p*k must fit in an int, got p=" + p + ", k=" + k);
            }
            if (maxPerIdentity < k) {
                throw new IllegalArgumentException(
                        "PkSampler maxPerIdentity must be >= k=" + k + ", got " + maxPerIdentity);
            }
            if (maxIdentities < p) {
                throw new IllegalArgumentException(
                        "PkSampler maxIdentities must be >= p=" + p + ", got " + maxIdentities);
            }
            if (staleAfter <= 0) {
                throw new IllegalArgumentException("PkSampler staleAfter must be > 0 arrivals, got " + staleAfter);
            }
        }

        /** P identities × K items with the default bounds: {@code 2*k} per identity, {@code 8*p} identities,
         * stale after {@code 50*p*k} arrivals. */
        public static Settings of(int p, int k) {
            long maxPerIdentity = Math.min(2L * k, Integer.MAX_VALUE);
            long maxIdentities = Math.min(8L * p, Integer.MAX_VALUE);
            return new Settings(p, k, (int) maxPerIdentity, (int) maxIdentities, 50L * p * k);
        }

        public Settings withMaxPerIdentity(int maxPerIdentity) {
            return new Settings(p, k, maxPerIdentity, maxIdentities, staleAfter);
        }

        public Settings withMaxIdentities(int maxIdentities) {
            return new Settings(p, k, maxPerIdentity, maxIdentities, staleAfter);
        }

        public Settings withStaleAfter(long staleAfter) {
            return new Settings(p, k, maxPerIdentity, maxIdentities, staleAfter);
        }

        /** The most elements the stage holds at once: {@code maxIdentities * maxPerIdentity}. */
        public long maxHeld() {
            return (long) maxIdentities * maxPerIdentity;
        }
    }

    /**
     * An output of the sampler: a {@link Batch} or an {@link Evicted} element.
     *
     * @param <T> the element type
     */
    public sealed interface Output<T> permits Batch, Evicted {
    }

    /**
     * P distinct identities × K items: items {@code [i*K, (i+1)*K)} belong to {@code identities[i]}, oldest
     * first. {@code identities} are in selection order (longest waiting first). Both are copied on creation;
     * {@link #identities()} returns a copy.
     *
     * @param items      the {@code P*K} items, grouped by identity
     * @param identities the P distinct identities, one per group
     * @param <T>        the element type
     */
    public record Batch<T>(List<T> items, int[] identities) implements Output<T> {
        public Batch {
            Objects.requireNonNull(items, "items");
            Objects.requireNonNull(identities, "identities");
            if (identities.length == 0 || items.size() % identities.length != 0) {
                throw new IllegalArgumentException("batch of " + items.size() + " items cannot be split evenly over "
                        + identities.length + " identities");
            }
            items = List.copyOf(items);
            identities = identities.clone();
        }

        @Override
        public int[] identities() {
            return identities.clone();
        }

        /** P, the number of identities. */
        public int p() {
            return identities.length;
        }

        /** K, the number of items per identity. */
        public int k() {
            return items.size() / identities.length;
        }

        /** The identity of group {@code i}. */
        public int identity(int i) {
            return identities[i];
        }

        /** The K items of group {@code i} (of identity {@code identity(i)}), oldest first. */
        public List<T> group(int i) {
            int k = k();
            return items.subList(i * k, (i + 1) * k);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Batch<?> other && items.equals(other.items)
                    && Arrays.equals(identities, other.identities);
        }

        @Override
        public int hashCode() {
            return 31 * items.hashCode() + Arrays.hashCode(identities);
        }

        @Override
        public String toString() {
            return "Batch[identities=" + Arrays.toString(identities) + ", items=" + items + "]";
        }
    }

    /**
     * An element that left the sampler without being in a batch, and why.
     *
     * @param item   the element, as it entered the stage
     * @param reason why it was evicted
     * @param <T>    the element type
     */
    public record Evicted<T>(T item, Reason reason) implements Output<T> {
        public Evicted {
            Objects.requireNonNull(item, "item");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why an element was evicted. */
    public enum Reason {
        /** Its identity got no element for {@code staleAfter} consecutive arrivals. */
        STALE,
        /** Its identity's buffer was full when a newer element of the same identity arrived. */
        OVERFLOW,
        /** Too many identities were buffered; its identity was the least recently seen. */
        CAPACITY,
        /** Upstream finished and the element could not be part of any further batch. */
        FLUSH
    }

    /** The stage: drives {@link PkBuffers} with a small queue of pending evictions. */
    private static final class Stage<T> extends GraphStage<FlowShape<T, Output<T>>> {
        private final Inlet<T> in = Inlet.create("PkSampler.in");
        private final Outlet<Output<T>> out = Outlet.create("PkSampler.out");
        private final FlowShape<T, Output<T>> shape = FlowShape.of(in, out);
        private final Settings settings;
        private final ToIntFunction<? super T> identityOf;

        Stage(Settings settings, ToIntFunction<? super T> identityOf) {
            this.settings = settings;
            this.identityOf = identityOf;
        }

        @Override
        public FlowShape<T, Output<T>> shape() {
            return shape;
        }

        @Override
        public Attributes initialAttributes() {
            return Attributes.name("pkSampler");
        }

        @Override
        public GraphStageLogic createLogic(Attributes inheritedAttributes) {
            return new Logic();
        }

        private final class Logic extends GraphStageLogic {
            private final PkBuffers<T> buffers = new PkBuffers<>(settings.p(), settings.k(),
                    settings.maxPerIdentity(), settings.maxIdentities(), settings.staleAfter());
            /** Evictions caused by the last arrival; at most 2*maxPerIdentity, emptied before the next pull. */
            private final ArrayDeque<Output<T>> pending = new ArrayDeque<>();
            private boolean upstreamFinished;

            Logic() {
                super(shape);
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        T element = grab(in);
                        buffers.add(identityOf.applyAsInt(element), element, pending);
                        advance();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        upstreamFinished = true;
                        advance();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        advance();
                    }
                });
            }

            @Override
            public void preStart() {
                pull(in);
            }

            /** Emits what is due if downstream wants it, then completes or pulls as the state allows. */
            private void advance() {
                if (isAvailable(out)) {
                    Output<T> next = nextOutput();
                    if (next != null) {
                        push(out, next);
                    }
                }
                if (upstreamFinished) {
                    if (pending.isEmpty() && buffers.isEmpty()) {
                        completeStage(); // an element pushed just before is still delivered first
                    }
                } else if (pending.isEmpty() && !buffers.batchReady() && !hasBeenPulled(in)) {
                    // Here buffered < maxHeld: a full set of buffers would make a batch ready. So after
                    // this pull and its evictions the stage holds at most maxHeld elements.
                    assert buffers.buffered() < settings.maxHeld();
                    pull(in);
                }
            }

            private Output<T> nextOutput() {
                Output<T> next = pending.poll();
                if (next != null) {
                    return next;
                }
                if (buffers.batchReady()) {
                    return buffers.takeBatch();
                }
                if (upstreamFinished) {
                    T item = buffers.pollFlush();
                    return item == null ? null : new Evicted<>(item, Reason.FLUSH);
                }
                return null;
            }
        }
    }
}
