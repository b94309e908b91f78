package dev.pixelflow.streams;

import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.checkpoint.CheckpointFiles;
import dev.pixelflow.simd.train.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import dev.pixelflow.streams.cluster.ModelCoordinator;
import dev.pixelflow.streams.cluster.ParameterBlob;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.jspecify.annotations.Nullable;

/**
 * The single writer of one model: holds its parameters and optimizer state ({@link OnlineModel}), runs the
 * training steps the stream sends, publishes a versioned immutable snapshot for inference every
 * {@code snapshotEverySteps} steps, and checkpoints weights + optimizer state + step count + the stream offsets
 * committed so far every {@code everySteps} steps or {@code every} time (whichever first) and when stopped. On
 * start it resumes from the newest checkpoint in its folder, so the step counter continues.
 *
 * <p>Run it on a dispatcher for blocking work (the steps occupy their thread); see {@code reference.conf},
 * {@code pixelflow.compute-dispatcher}.
 */
public final class ModelOwner extends AbstractBehavior<ModelOwner.Command> {

    /** What a model owner understands. */
    public sealed interface Command permits Train, WriteCheckpoint, Stop, CheckpointTick, Synced, SyncTimeout {
    }

    /** Train one step on {@code frames}; the reply carries the step's result. */
    public record Train(List<Frame> frames, ActorRef<Trained> replyTo) implements Command {
        public Train {
            frames = List.copyOf(frames);
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** The result of a {@link Train}: the step, and the model version after it. */
    public record Trained(StepResult result, long version) {
    }

    /** Write a checkpoint now (if anything changed since the last one). */
    public record WriteCheckpoint(ActorRef<Done> replyTo) implements Command {
    }

    /** Checkpoint if anything changed, release the model, stop. */
    public record Stop(ActorRef<Done> replyTo) implements Command {
    }

    /** Timer message: time-based checkpoints. */
    enum CheckpointTick implements Command {
        INSTANCE
    }

    /** Timer message: no answer to the contribution in time. */
    enum SyncTimeout implements Command {
        INSTANCE
    }

    /** The answer of the model's coordinator to this replica's contribution. */
    record Synced(ModelCoordinator.Averaged averaged) implements Command {
    }

    /**
     * Data-parallel training: this owner is the replica {@code replica} of a model averaged by a
     * {@link ModelCoordinator}. Every {@code everySteps} local steps it sends its parameters to
     * {@code coordinator}; when the average comes back it takes it and keeps the local progress made meanwhile
     * ({@code average + (now - sent)}). The optimizer state (Adam's moments) stays local. Without an answer within
     * {@code replyTimeout} it contributes again.
     */
    public record Sync(String replica, int everySteps, Duration replyTimeout,
                       Consumer<ModelCoordinator.Contribute> coordinator) {
        public Sync {
            Objects.requireNonNull(replica, "replica");
            Objects.requireNonNull(coordinator, "coordinator");
            if (everySteps < 1) {
                throw new IllegalArgumentException("everySteps must be >= 1, got " + everySteps);
            }
        }
    }

    /** The owner's settings. {@code checkpointDir} null = no checkpoints. */
    public record Settings(int snapshotEverySteps, @Nullable Path checkpointDir, int checkpointEverySteps,
                           Duration checkpointEvery, int keepCheckpoints, double dutyCycle) {
    }

    private final OnlineModel model;
    private final SnapshotHolder snapshots;
    private final Settings settings;
    private final Supplier<Map<String, String>> offsets;
    private final MetricsWindow metrics;
    private long checkpointedStep;
    private long lastCheckpointNanos = System.nanoTime();
    private boolean closed;
    private final @Nullable Sync sync;
    private final TimerScheduler<Command> timers;
    private final @Nullable ActorRef<ModelCoordinator.Averaged> syncReplies;
    /** The averaged version this replica last took (0 = none yet). */
    private long averagedVersion;
    private long syncedStep;
    /** The parameters sent in the contribution waiting for its answer, or null. */
    private float @Nullable [] sent;

    /**
     * @param offsets the stream offsets committed so far, e.g. {@code frames-0 -> 1234}, stored in checkpoints
     */
    public static Behavior<Command> create(OnlineModel model, SnapshotHolder snapshots, Settings settings,
                                           Supplier<Map<String, String>> offsets, MetricsWindow metrics) {
        return create(model, snapshots, settings, offsets, metrics, null);
    }

    /** As above; with {@code sync} non-null the model is one replica of a model averaged over the cluster. */
    public static Behavior<Command> create(OnlineModel model, SnapshotHolder snapshots, Settings settings,
                                           Supplier<Map<String, String>> offsets, MetricsWindow metrics,
                                           @Nullable Sync sync) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            if (settings.checkpointDir() != null) {
                timers.startTimerWithFixedDelay(CheckpointTick.INSTANCE, settings.checkpointEvery());
            }
            return new ModelOwner(ctx, timers, model, snapshots, settings, offsets, metrics, sync);
        }));
    }

    private ModelOwner(ActorContext<Command> ctx, TimerScheduler<Command> timers, OnlineModel model, SnapshotHolder snapshots, Settings settings,
                       Supplier<Map<String, String>> offsets, MetricsWindow metrics, @Nullable Sync sync) {
        super(ctx);
        this.model = model;
        this.snapshots = snapshots;
        this.settings = settings;
        this.offsets = offsets;
        this.metrics = metrics;
        this.sync = sync;
        this.timers = timers;
        this.syncReplies = sync == null ? null : ctx.messageAdapter(ModelCoordinator.Averaged.class, Synced::new);
        resume();
        checkpointedStep = model.steps();
        syncedStep = model.steps();
        publish();
    }

    private void resume() {
        Path dir = settings.checkpointDir();
        if (dir == null) {
            return;
        }
        try {
            for (Path p : CheckpointFiles.list(dir)) {
                try {
                    Checkpoint c = CheckpointFiles.read(p);
                    model.restore(c);
                    getContext().getLog().info("{}: resumed from {} at step {} (offsets {})", model.name(), p,
                            c.step(), c.metadata().getOrDefault("offsets", "none"));
                    return;
                } catch (IOException | RuntimeException e) {
                    // A damaged newest file must not stop the job: fall back to the previous one, loudly.
                    getContext().getLog().warn("{}: cannot resume from {}: {}; trying an older checkpoint",
                            model.name(), p, e.getMessage());
                }
            }
            getContext().getLog().info("{}: no checkpoint in {}, starting from fresh weights", model.name(), dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list checkpoints in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Train.class, this::onTrain)
                .onMessage(WriteCheckpoint.class, this::onWriteCheckpoint)
                .onMessage(CheckpointTick.class, this::onTick)
                .onMessage(Stop.class, this::onStop)
                .onMessage(Synced.class, this::onSynced)
                .onMessageEquals(SyncTimeout.INSTANCE, this::onSyncTimeout)
                .onSignal(PostStop.class, s -> onPostStop())
                .build();
    }

    private Behavior<Command> onTrain(Train t) {
        StepResult r;
        try {
            r = model.train(t.frames());
        } catch (RuntimeException e) {
            // A batch the model cannot take (e.g. a frame without its target) must not stop the owner or the
            // stream: the step is skipped, the weights are untouched (the trainer checks before it updates).
            getContext().getLog().error("{}: batch of {} frames rejected: {}", model.name(), t.frames().size(),
                    e.getMessage());
            metrics.count(model.name() + ".rejected-batches", 1);
            r = new StepResult(model.steps(), Double.NaN, false, "batch rejected: " + e.getMessage(), Double.NaN,
                    Double.NaN, Map.of(), 0, 0, 0);
        }
        metrics.step(model.name(), r);
        model.gauges().forEach((k, v) -> metrics.gauge(model.name() + "." + k, v));
        if (!r.applied()) {
            getContext().getLog().warn("{}: step {} skipped: {}", model.name(), r.step(), r.skipReason());
        }
        if (model.steps() % settings.snapshotEverySteps() == 0) {
            publish();
        }
        maybeContribute();
        if (settings.checkpointDir() != null
                && model.steps() - checkpointedStep >= settings.checkpointEverySteps()) {
            checkpoint();
        }
        Trained reply = new Trained(r, snapshots.latest() == null ? 0 : snapshots.latest().version());
        if (settings.dutyCycle() < 1) {
            // Training priority: answer only after a pause of step * (1 / duty - 1), so this model trains at most
            // that fraction of the time; the stream waits for the answer, so the pause slows the source and
            // leaves the cores to inference meanwhile.
            long pause = (long) (r.totalNanos() * (1 / settings.dutyCycle() - 1));
            getContext().scheduleOnce(Duration.ofNanos(pause), t.replyTo(), reply);
        } else {
            t.replyTo().tell(reply);
        }
        return this;
    }

    private void maybeContribute() {
        if (sync == null || closed || sent != null || model.steps() - syncedStep < sync.everySteps()) {
            return;
        }
        contribute();
    }

    private void contribute() {
        long steps = model.steps() - syncedStep;
        sent = model.parameters();
        getContext().getLog().debug("{}: contributing {} steps on averaged version {}", model.name(), steps,
                averagedVersion);
        sync.coordinator().accept(new ModelCoordinator.Contribute(sync.replica(), averagedVersion, steps,
                ParameterBlob.bytes(sent), syncReplies));
        timers.startSingleTimer(SyncTimeout.INSTANCE, sync.replyTimeout());
    }

    /**
     * No answer: lost with a node that died, or sent to a shard that was moving. Contribute again now, not at
     * the next training step, so that a replica whose partitions went quiet still gets the latest average.
     */
    private Behavior<Command> onSyncTimeout() {
        if (sync == null || closed || sent == null) {
            return this;
        }
        getContext().getLog().warn("{}: no answer from the model coordinator in {}, contributing again",
                model.name(), sync.replyTimeout());
        metrics.count(model.name() + ".sync-timeouts", 1);
        contribute();
        return this;
    }

    private Behavior<Command> onSynced(Synced s) {
        ModelCoordinator.Averaged a = s.averaged();
        getContext().getLog().debug("{}: averaged version {} (accepted {}) arrived", model.name(), a.version(),
                a.accepted());
        float[] base = sent;
        if (base == null || closed || a.version() < averagedVersion) {
            return this; // an answer that arrived after its timeout: the next contribution catches up
        }
        float[] avg = ParameterBlob.floats(a.parameters());
        if (avg.length != base.length) {
            getContext().getLog().error("{}: the averaged model has {} parameters, this replica {}; not taken",
                    model.name(), avg.length, base.length);
            sent = null;
            return this;
        }
        float[] now = model.parameters();
        for (int i = 0; i < now.length; i++) {
            now[i] = avg[i] + (now[i] - base[i]);
        }
        model.loadParameters(now);
        averagedVersion = a.version();
        syncedStep = model.steps();
        sent = null;
        timers.cancel(SyncTimeout.INSTANCE);
        // publish before counting: whoever sees the count sees the averaged snapshot too
        publish();
        metrics.count(model.name() + (a.accepted() ? ".syncs" : ".syncs-stale"), 1);
        metrics.gauge(model.name() + ".averaged-version", averagedVersion);
        return this;
    }

    private Behavior<Command> onWriteCheckpoint(WriteCheckpoint w) {
        checkpoint();
        w.replyTo().tell(Done.getInstance());
        return this;
    }

    private Behavior<Command> onTick(CheckpointTick t) {
        if (System.nanoTime() - lastCheckpointNanos >= settings.checkpointEvery().toNanos()) {
            checkpoint();
        }
        return this;
    }

    private Behavior<Command> onStop(Stop s) {
        checkpoint();
        publish();
        close();
        s.replyTo().tell(Done.getInstance());
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop() {
        close();
        return this;
    }

    private void publish() {
        snapshots.publish(new PublishedSnapshot(model.name(), model.snapshot(), System.currentTimeMillis(),
                model.inputStats()));
        metrics.gauge(model.name() + ".version", snapshots.latest().version());
        metrics.gauge(model.name() + ".step", model.steps());
    }

    /** Writes a checkpoint when the model changed since the last one and keeps the newest {@code keep}. */
    private void checkpoint() {
        Path dir = settings.checkpointDir();
        lastCheckpointNanos = System.nanoTime();
        if (dir == null || closed || model.steps() == checkpointedStep) {
            return;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", model.name());
        meta.put("written", Instant.now().toString());
        meta.put("offsets", String.valueOf(offsets.get()));
        Checkpoint c = model.checkpoint(meta);
        Path file = CheckpointFiles.path(dir, c.step());
        try {
            Files.createDirectories(dir);
            CheckpointFiles.write(file, c);
            List<Path> all = CheckpointFiles.list(dir);
            for (int i = settings.keepCheckpoints(); i < all.size(); i++) {
                Files.deleteIfExists(all.get(i));
            }
        } catch (IOException e) {
            // Training goes on; the next checkpoint retries. A full disk must not stop inference.
            getContext().getLog().error("{}: cannot write checkpoint {}: {}", model.name(), file, e.getMessage());
            metrics.count(model.name() + ".checkpoint-failures", 1);
            return;
        }
        checkpointedStep = c.step();
        metrics.count(model.name() + ".checkpoints", 1);
        getContext().getLog().info("{}: checkpoint {} (step {})", model.name(), file.getFileName(), c.step());
    }

    private void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
