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
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
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
    public sealed interface Command permits Train, WriteCheckpoint, Stop, CheckpointTick {
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

    /**
     * @param offsets the stream offsets committed so far, e.g. {@code frames-0 -> 1234}, stored in checkpoints
     */
    public static Behavior<Command> create(OnlineModel model, SnapshotHolder snapshots, Settings settings,
                                           Supplier<Map<String, String>> offsets, MetricsWindow metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            if (settings.checkpointDir() != null) {
                timers.startTimerWithFixedDelay(CheckpointTick.INSTANCE, settings.checkpointEvery());
            }
            return new ModelOwner(ctx, model, snapshots, settings, offsets, metrics);
        }));
    }

    private ModelOwner(ActorContext<Command> ctx, OnlineModel model, SnapshotHolder snapshots, Settings settings,
                       Supplier<Map<String, String>> offsets, MetricsWindow metrics) {
        super(ctx);
        this.model = model;
        this.snapshots = snapshots;
        this.settings = settings;
        this.offsets = offsets;
        this.metrics = metrics;
        resume();
        checkpointedStep = model.steps();
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
