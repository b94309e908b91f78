package dev.pixelflow.streams.internal;

import dev.pixelflow.streams.PkSampler;
import dev.pixelflow.streams.PkSampler.Evicted;
import dev.pixelflow.streams.PkSampler.Reason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Queue;

/**
 * The per-identity buffers behind {@link PkSampler}: no streaming here, only the bookkeeping, so the
 * stage logic stays small. Single-threaded (owned by one stage logic).
 *
 * <p>Identities are kept in a {@link LinkedHashMap} in access order, so its first entry is always the
 * least recently seen identity: both STALE (age of the last arrival) and CAPACITY (least recently seen)
 * evictions look only at the head. The waiting line for fairness is a tick per identity: it gets a new,
 * larger tick when it is first buffered and each time it contributes to a batch; a batch takes the
 * eligible identities with the smallest ticks.
 */
public final class PkBuffers<T> {
    private static final Comparator<Identity<?>> LONGEST_WAITING =
            Comparator.comparingLong(identity -> identity.waitingTick);

    private final int p;
    private final int k;
    private final int maxPerIdentity;
    private final int maxIdentities;
    private final long staleAfter;
    /** Access-ordered: iteration starts at the least recently seen identity. */
    private final LinkedHashMap<Integer, Identity<T>> identities;
    private final ArrayList<Identity<T>> candidates;

    /** Number of elements added so far (the clock for staleness). */
    private long arrivals;
    /** Source of waiting-line positions; unique, increasing. */
    private long ticks;
    /** Items currently held in all identity buffers. */
    private long buffered;
    /** Identities holding at least K items. */
    private int eligible;

    public PkBuffers(int p, int k, int maxPerIdentity, int maxIdentities, long staleAfter) {
        assert p >= 2 && k >= 2 && maxPerIdentity >= k && maxIdentities >= p && staleAfter > 0;
        this.p = p;
        this.k = k;
        this.maxPerIdentity = maxPerIdentity;
        this.maxIdentities = maxIdentities;
        this.staleAfter = staleAfter;
        this.identities = new LinkedHashMap<>(Math.min(maxIdentities, 1 << 16) * 2, 0.75f, true);
        this.candidates = new ArrayList<>(Math.min(maxIdentities, 1 << 16));
    }

    /** Items held in the identity buffers (evicted items already handed to {@code out} are not counted). */
    public long buffered() {
        return buffered;
    }

    /** Whether at least P identities hold K items, i.e. {@link #takeBatch()} would succeed. */
    public boolean batchReady() {
        return eligible >= p;
    }

    /** Whether nothing is buffered any more. */
    public boolean isEmpty() {
        return buffered == 0;
    }

    /**
     * Buffers {@code item} for {@code identity}. Evictions it causes are appended to {@code out}, in order:
     * at most one STALE identity (all its items), then either one OVERFLOW item of this identity or one
     * CAPACITY identity (all its items). So one call appends at most {@code 2 * maxPerIdentity} elements.
     */
    public void add(int identity, T item, Queue<? super Evicted<T>> out) {
        long now = ++arrivals;
        evictStale(identity, now, out);
        Identity<T> buffer = identities.get(identity); // moves it to the most recently seen end
        if (buffer == null) {
            if (identities.size() >= maxIdentities) {
                Iterator<Identity<T>> eldest = identities.values().iterator();
                Identity<T> victim = eldest.next();
                eldest.remove();
                evictAll(victim, Reason.CAPACITY, out);
            }
            buffer = new Identity<>(identity, ticks++);
            identities.put(identity, buffer);
        }
        boolean wasEligible = buffer.items.size() >= k;
        if (buffer.items.size() == maxPerIdentity) {
            // Replaced by the add below, so the identity stays eligible (maxPerIdentity >= K).
            out.add(new Evicted<>(buffer.items.pollFirst(), Reason.OVERFLOW));
            buffered--;
        }
        buffer.items.addLast(item);
        buffer.lastSeen = now;
        buffered++;
        if (!wasEligible && buffer.items.size() >= k) {
            eligible++;
        }
    }

    /**
     * Removes one batch: the P eligible identities with the smallest waiting tick, in that order, each with
     * its K oldest items; they rejoin the back of the waiting line in the same order.
     */
    public PkSampler.Batch<T> takeBatch() {
        assert batchReady();
        candidates.clear();
        for (Identity<T> identity : identities.values()) { // values() iteration does not reorder
            if (identity.items.size() >= k) {
                candidates.add(identity);
            }
        }
        candidates.sort(LONGEST_WAITING);
        List<T> items = new ArrayList<>(p * k);
        int[] ids = new int[p];
        for (int i = 0; i < p; i++) {
            Identity<T> identity = candidates.get(i);
            ids[i] = identity.id;
            for (int j = 0; j < k; j++) {
                items.add(identity.items.pollFirst());
            }
            identity.waitingTick = ticks++;
            if (identity.items.size() < k) {
                eligible--;
            }
        }
        buffered -= (long) p * k;
        candidates.clear();
        return new PkSampler.Batch<>(items, ids);
    }

    /**
     * Removes one item for the final flush: the oldest item of the least recently seen identity that still
     * holds items, or {@code null} when nothing is buffered.
     */
    public T pollFlush() {
        Iterator<Identity<T>> it = identities.values().iterator();
        while (it.hasNext()) {
            Identity<T> identity = it.next();
            T item = identity.items.pollFirst();
            if (item != null) {
                if (identity.items.size() == k - 1) {
                    eligible--;
                }
                buffered--;
                return item;
            }
            it.remove(); // empty: drop it so the next call does not scan it again
        }
        return null;
    }

    /**
     * Evicts every identity other than {@code current} that has seen {@code staleAfter} arrivals since its
     * own last one. Checking on every arrival means at most one identity crosses the limit per arrival,
     * and because the map is ordered by last arrival the scan stops at the first fresh identity.
     */
    private void evictStale(int current, long now, Queue<? super Evicted<T>> out) {
        Iterator<Identity<T>> it = identities.values().iterator();
        while (it.hasNext()) {
            Identity<T> identity = it.next();
            if (identity.id == current) {
                continue; // it receives an item right now, so it is not stale
            }
            if (now - identity.lastSeen < staleAfter) {
                return;
            }
            it.remove();
            evictAll(identity, Reason.STALE, out);
        }
    }

    private void evictAll(Identity<T> identity, Reason reason, Queue<? super Evicted<T>> out) {
        int size = identity.items.size();
        if (size >= k) {
            eligible--;
        }
        buffered -= size;
        for (T item; (item = identity.items.pollFirst()) != null; ) {
            out.add(new Evicted<>(item, reason));
        }
    }

    private static final class Identity<T> {
        final int id;
        final ArrayDeque<T> items = new ArrayDeque<>();
        long lastSeen;
        long waitingTick;

        Identity(int id, long waitingTick) {
            this.id = id;
            this.waitingTick = waitingTick;
        }
    }
}
