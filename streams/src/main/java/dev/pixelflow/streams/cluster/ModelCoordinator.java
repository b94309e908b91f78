package dev.pixelflow.streams.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.jspecify.annotations.Nullable;

/**
 * The averaged model of one model key, run as a Cluster Sharding entity: one node of the cluster owns it at a
 * time. Replicas (the {@code ModelOwner} of each node) train on their own partitions and send their parameters
 * every few steps; the coordinator averages them in rounds.
 *
 * <p>Protocol, with {@code v} the coordinator's version:
 * <ul>
 *   <li>A {@link Contribute} based on version {@code v} joins the current round. The round closes when every
 *   replica expected in it has contributed, or {@code roundTimeout} after its first contribution (a slow or
 *   dead replica does not block the others). Closing averages the round's parameters weighted by the steps
 *   each replica took since {@code v}, makes version {@code v + 1}, saves it in the {@link ModelStore} and
 *   answers every contributor with it.
 *   <li>A contribution based on an older version (a replica that was slow, partitioned or just joined) is not
 *   averaged in: it is answered at once with version {@code v}, which the replica adopts, so stale parameters
 *   never enter the average. The replica is expected in the next round.
 *   <li>A contribution based on a newer version than {@code v} means the coordinator lost state (it moved to a
 *   node whose store has an older version, or there is no store): it adopts the contribution's parameters and
 *   version and goes on from there. The version therefore never goes back.
 * </ul>
 * The expected replicas of a round are those that contributed to the previous round or were answered as stale
 * since; a replica that misses a round's deadline drops out until it contributes again.
 */
public final class ModelCoordinator extends AbstractBehavior<ModelCoordinator.Command> {

    /** The sharded entity type; the entity id is the model key. */
    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "pixelflow-model");

    /** What a coordinator understands. */
    public sealed interface Command extends CborSerializable permits Contribute, GetStatus, RoundTimeout {
    }

    /**
     * A replica's parameters after {@code steps} local steps on top of averaged version {@code baseVersion} (0 =
     * never averaged). {@code parameters} is a {@link ParameterBlob}.
     */
    public record Contribute(String replica, long baseVersion, long steps, byte[] parameters,
                             ActorRef<Averaged> replyTo) implements Command {
        public Contribute {
            Objects.requireNonNull(replica, "replica");
            Objects.requireNonNull(parameters, "parameters");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /**
     * The answer to a {@link Contribute}: averaged version {@code version} and its parameters; {@code accepted}
     * says whether the contribution is part of it (false: it was stale, adopt this instead).
     */
    public record Averaged(String model, long version, boolean accepted, int contributors, byte[] parameters)
            implements CborSerializable {
    }

    /** Asks for the coordinator's state. */
    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /** The coordinator's state: its version, the replicas it expects next round, rounds closed by timeout. */
    public record Status(String model, long version, List<String> expected, long roundsTimedOut,
                         long staleContributions) implements CborSerializable {
    }

    /** Timer message: close the round with whoever contributed. */
    enum RoundTimeout implements Command {
        INSTANCE
    }

    private final String model;
    private final ModelStore store;
    private final Duration roundTimeout;
    private final TimerScheduler<Command> timers;
    private long version;
    private float @Nullable [] parameters;
    private final Map<String, Contribute> round = new LinkedHashMap<>();
    private final Set<String> expected = new LinkedHashSet<>();
    private long roundsTimedOut;
    private long stale;

    public static Behavior<Command> create(String model, ModelStore store, Duration roundTimeout) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(
                timers -> new ModelCoordinator(ctx, timers, model, store, roundTimeout)));
    }

    private ModelCoordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, String model,
                             ModelStore store, Duration roundTimeout) {
        super(ctx);
        this.timers = timers;
        this.model = model;
        this.store = store;
        this.roundTimeout = roundTimeout;
        try {
            ModelStore.Saved saved = store.load(model);
            if (saved != null) {
                version = saved.version();
                parameters = saved.parameters();
                ctx.getLog().info("model {}: coordinator started on this node from saved version {}", model,
                        version);
            } else {
                ctx.getLog().info("model {}: coordinator started on this node, nothing saved yet", model);
            }
        } catch (IOException | RuntimeException e) {
            // The replicas hold recent parameters: start empty and adopt the first contribution.
            ctx.getLog().warn("model {}: cannot read the saved averaged model ({}); recovering from the replicas",
                    model, e.getMessage());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Contribute.class, this::onContribute)
                .onMessage(GetStatus.class, this::onGetStatus)
                .onMessageEquals(RoundTimeout.INSTANCE, this::onRoundTimeout)
                .build();
    }

    private Behavior<Command> onContribute(Contribute c) {
        getContext().getLog().debug("model {}: contribution of {} based on {} ({} steps), coordinator at {}", model,
                c.replica(), c.baseVersion(), c.steps(), version);
        float[] p;
        try {
            p = ParameterBlob.floats(c.parameters());
        } catch (IllegalArgumentException e) {
            getContext().getLog().error("model {}: contribution of {} ignored: {}", model, c.replica(),
                    e.getMessage());
            return this;
        }
        if (parameters != null && p.length != parameters.length) {
            // A node configured with another architecture: never mix it into the average.
            getContext().getLog().error("model {}: {} sent {} parameters, the model has {}; check that every node"
                    + " runs the same model settings", model, c.replica(), p.length, parameters.length);
            return this;
        }
        if (parameters == null || c.baseVersion() > version) {
            getContext().getLog().info("model {}: adopting {}'s parameters at version {} (this coordinator had {})",
                    model, c.replica(), c.baseVersion(), parameters == null ? "none" : "version " + version);
            version = c.baseVersion();
            parameters = p;
            round.clear();
        }
        if (c.baseVersion() < version) {
            stale++;
            expected.add(c.replica());
            c.replyTo().tell(new Averaged(model, version, false, 0, ParameterBlob.bytes(parameters)));
            return this;
        }
        round.put(c.replica(), c);
        expected.add(c.replica());
        if (round.keySet().containsAll(expected)) {
            closeRound();
        } else if (!timers.isTimerActive(RoundTimeout.INSTANCE)) {
            timers.startSingleTimer(RoundTimeout.INSTANCE, roundTimeout);
        }
        return this;
    }

    private Behavior<Command> onRoundTimeout() {
        if (!round.isEmpty()) {
            roundsTimedOut++;
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(round.keySet());
            getContext().getLog().info("model {}: round {} closed after {} without {}", model, version + 1,
                    roundTimeout, missing);
            closeRound();
        }
        return this;
    }

    private Behavior<Command> onGetStatus(GetStatus g) {
        g.replyTo().tell(new Status(model, version, List.copyOf(expected), roundsTimedOut, stale));
        return this;
    }

    /** Weighted mean of the round's parameters (weights: local steps, at least 1), in double. */
    private void closeRound() {
        timers.cancel(RoundTimeout.INSTANCE);
        int n = parameters.length;
        double[] sum = new double[n];
        double total = 0;
        for (Contribute c : round.values()) {
            float[] p = ParameterBlob.floats(c.parameters());
            double w = Math.max(1, c.steps());
            for (int i = 0; i < n; i++) {
                sum[i] += w * p[i];
            }
            total += w;
        }
        float[] avg = new float[n];
        for (int i = 0; i < n; i++) {
            avg[i] = (float) (sum[i] / total);
        }
        version++;
        parameters = avg;
        try {
            store.save(model, version, avg);
        } catch (IOException | RuntimeException e) {
            getContext().getLog().error("model {}: cannot save averaged version {}: {}", model, version,
                    e.getMessage());
        }
        byte[] blob = ParameterBlob.bytes(avg);
        for (Contribute c : round.values()) {
            c.replyTo().tell(new Averaged(model, version, true, round.size(), blob));
        }
        getContext().getLog().debug("model {}: version {} averaged from {}", model, version, round.keySet());
        expected.clear();
        expected.addAll(round.keySet());
        round.clear();
    }
}
