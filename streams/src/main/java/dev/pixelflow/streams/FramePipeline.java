package dev.pixelflow.streams;

import dev.pixelflow.connectors.DType;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameEnvelope;
import dev.pixelflow.connectors.FrameFlowSettings;
import dev.pixelflow.connectors.FrameFlows;
import dev.pixelflow.connectors.MetricsJson;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.streams.internal.HoldoutSet;
import dev.pixelflow.streams.internal.Inference;
import dev.pixelflow.streams.internal.OffsetTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.UniformFanInShape;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.GraphDSL;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Merge;
import org.apache.pekko.stream.javadsl.Partition;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pixelflow's streaming job on one node:
 *
 * <pre>
 * frames topic -> committable source -> decode, check shape (bad -> dead-letter topic) -> route:
 *   frames with a mask       -> batch (size or time) -> segmentation ModelOwner (train step)
 *   frames with an identity  -> every n-th: held out (embedded, recall@1)
 *                               others: P x K sampler -> embedding ModelOwner (batch-hard triplet step)
 *   unlabelled frames        -> batch -> masks + embeddings from the latest snapshots
 * -> produce results (one producer envelope per batch) -> offsets released in order (OffsetTracker)
 * -> Committer.sink
 * </pre>
 *
 * A frame's offset is committed only after everything produced for it is acknowledged (results) or its
 * training step has run; offsets complete out of order across routes and are committed in order, so a crash
 * re-delivers every frame that was not fully processed (at-least-once). Frames trained on after the last
 * checkpoint are not trained on again after a crash (their offsets were committed): the model loses at most a
 * checkpoint interval of updates, never results.
 *
 * <p>Every stage is bounded and back-pressured: a training step blocks its route's {@code mapAsync(1)}, its
 * bounded buffer fills, and the source slows down; inference runs concurrently in its own stage.
 *
 * <p>Threads: the models compute on {@value #COMPUTE_DISPATCHER}; the stream's stages and the Kafka consumer and
 * producer stages run on {@value #STREAM_DISPATCHER}, two threads by default. Their work per frame is small and
 * comes in many hand-offs (a poll's records, a batch's results, the producer's acknowledgements); on a pool of
 * many threads each hand-off wakes a parked thread, a context switch that costs more than the work it carries.
 * Routes emit one producer envelope per batch (a batch's results, or its offsets for the training routes), so
 * the producer's acknowledgements come back once per batch too.
 */
public final class FramePipeline {
    private static final Logger LOG = LoggerFactory.getLogger(FramePipeline.class);
    /** Dispatcher (see reference.conf) for model owners and inference: they block their thread while computing. */
    public static final String COMPUTE_DISPATCHER = "pixelflow.compute-dispatcher";
    /** Dispatcher (see reference.conf) of the job's stream stages and Kafka client actors: few threads. */
    public static final String STREAM_DISPATCHER = "pixelflow.stream-dispatcher";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);
    private static final int SEG = 0;
    private static final int EMB = 1;
    private static final int HOLDOUT = 2;
    private static final int INFER = 3;
    private static final int DLQ = 4;
    private static final int EXAMPLE_EVERY_BATCHES = 10;

    private record Routed(int route, FrameEnvelope envelope) {
    }

    /** The consumer control of the stream currently running (replaced on restart) and the end of all runs. */
    private record StreamControl(AtomicReference<Consumer.Control> current, CompletionStage<Done> streamDone,
                                 java.util.concurrent.atomic.AtomicBoolean stopped) {
    }

    private FramePipeline() {
    }

    /** A running job. */
    public static final class Running {
        private final ActorSystem<?> system;
        private final StreamControl control;
        private final @Nullable ActorRef<ModelOwner.Command> segmentation;
        private final @Nullable ActorRef<ModelOwner.Command> embedding;
        private final UniqueKillSwitch metricsSwitch;
        private final CompletionStage<Done> metricsDone;
        private final MetricsWindow metrics;
        private final OffsetTracker tracker;
        private final SnapshotHolder segmentationSnapshots;
        private final SnapshotHolder embeddingSnapshots;
        private final Runnable closeResources;
        private @Nullable CompletionStage<Done> stopping;

        private Running(ActorSystem<?> system, StreamControl control,
                        @Nullable ActorRef<ModelOwner.Command> segmentation,
                        @Nullable ActorRef<ModelOwner.Command> embedding, UniqueKillSwitch metricsSwitch,
                        CompletionStage<Done> metricsDone, MetricsWindow metrics, OffsetTracker tracker,
                        SnapshotHolder segmentationSnapshots, SnapshotHolder embeddingSnapshots,
                        Runnable closeResources) {
            this.system = system;
            this.control = control;
            this.segmentation = segmentation;
            this.embedding = embedding;
            this.metricsSwitch = metricsSwitch;
            this.metricsDone = metricsDone;
            this.metrics = metrics;
            this.tracker = tracker;
            this.segmentationSnapshots = segmentationSnapshots;
            this.embeddingSnapshots = embeddingSnapshots;
            this.closeResources = closeResources;
        }

        public MetricsWindow metrics() {
            return metrics;
        }

        /** The latest segmentation snapshot (null before the first). */
        public @Nullable PublishedSnapshot segmentationSnapshot() {
            return segmentationSnapshots.latest();
        }

        /** The latest embedding snapshot (null before the first). */
        public @Nullable PublishedSnapshot embeddingSnapshot() {
            return embeddingSnapshots.latest();
        }

        /** Offsets released for commit so far, per {@code topic-partition}. */
        public Map<String, Long> releasedOffsets() {
            return tracker.released();
        }

        /** Completes when the stream ends by itself (a failure completes it exceptionally). */
        public CompletionStage<Done> streamCompletion() {
            return control.streamDone();
        }

        /**
         * Stops cleanly: stops consuming, lets in-flight frames finish (training steps run, results are
         * acknowledged, offsets committed), then the model owners write their final checkpoints.
         */
        public synchronized CompletionStage<Done> stop() {
            if (stopping == null) {
                Executor ec = system.executionContext();
                LOG.info("pixelflow pipeline: stopping: draining in-flight frames");
                control.stopped().set(true);
                stopping = control.current().get().drainAndShutdown(control.streamDone(), system.executionContext())
                        .handle((d, e) -> {
                            if (e != null) {
                                LOG.warn("pixelflow pipeline: the stream ended with an error: {}", e.toString());
                            }
                            LOG.info("pixelflow pipeline: stream drained, offsets committed; final checkpoints");
                            return Done.getInstance();
                        })
                        .thenCompose(d -> stopOwner(segmentation))
                        .thenCompose(d -> stopOwner(embedding))
                        .thenCompose(d -> {
                            LOG.info("pixelflow pipeline: models stopped");
                            metricsSwitch.shutdown();
                            return metricsDone.exceptionally(e -> Done.getInstance());
                        })
                        .thenApplyAsync(d -> {
                            closeResources.run();
                            return Done.getInstance();
                        }, ec);
            }
            return stopping;
        }

        private CompletionStage<Done> stopOwner(@Nullable ActorRef<ModelOwner.Command> owner) {
            if (owner == null) {
                return CompletableFuture.completedFuture(Done.getInstance());
            }
            return AskPattern.ask(owner, ModelOwner.Stop::new, STEP_TIMEOUT, system.scheduler());
        }
    }

    /**
     * Starts the job: model owners (resuming from their checkpoints), the stream and the metrics ticker.
     * Topics must exist (see {@code TopicSetup}).
     */
    public static Running start(ActorSystem<?> system, PipelineSettings s, FrameFlowSettings flowSettings,
                                ConsumerSettings<String, byte[]> consumerSettings,
                                ProducerSettings<String, byte[]> producerSettings, PipelineListener listener) {
        return start(system, s, flowSettings, consumerSettings, producerSettings, listener, ModelSync.NONE);
    }

    /**
     * As above, with the models trained as replicas of cluster-wide averaged models where {@code sync} says so
     * (see {@code dev.pixelflow.streams.cluster.ClusterModels}).
     */
    public static Running start(ActorSystem<?> system, PipelineSettings s, FrameFlowSettings flowSettings,
                                ConsumerSettings<String, byte[]> consumerSettings,
                                ProducerSettings<String, byte[]> producerSettings, PipelineListener listener,
                                ModelSync sync) {
        // Stopped through a DrainingControl (in-flight frames finish and commit first), so the consumer stage
        // need not linger after stop (pekko.kafka.consumer.stop-timeout, 30 s by default).
        ConsumerSettings<String, byte[]> consumer = consumerSettings.withGroupId(s.groupId())
                .withStopTimeout(Duration.ZERO).withDispatcher(STREAM_DISPATCHER);
        ProducerSettings<String, byte[]> producer = producerSettings.withDispatcher(STREAM_DISPATCHER);
        MetricsWindow metrics = new MetricsWindow();
        OffsetTracker tracker = new OffsetTracker();
        SnapshotHolder segSnapshots = new SnapshotHolder();
        SnapshotHolder embSnapshots = new SnapshotHolder();
        Executor compute = system.dispatchers().lookup(DispatcherSelector.fromConfig(COMPUTE_DISPATCHER));
        Ops trainOps = Ops.defaults();
        Ops inferOps = Ops.builder().threads(s.inference().threads()).build();
        java.util.function.Supplier<Map<String, String>> offsets = () -> {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            tracker.released().forEach((k, v) -> m.put(k, Long.toString(v)));
            return m;
        };

        ActorRef<ModelOwner.Command> segOwner = null;
        if (s.segmentation().enabled()) {
            segOwner = system.systemActorOf(ModelOwner.create(new SegmentationModel(s, trainOps, 1), segSnapshots,
                    ownerSettings(s, "segmentation"), offsets, metrics, sync.forModel("segmentation")),
                    "pixelflow-segmentation",
                    DispatcherSelector.fromConfig(COMPUTE_DISPATCHER));
        }
        ActorRef<ModelOwner.Command> embOwner = null;
        if (s.embedding().enabled()) {
            embOwner = system.systemActorOf(ModelOwner.create(new EmbeddingModel(s, trainOps, 2), embSnapshots,
                    ownerSettings(s, "embedding"), offsets, metrics, sync.forModel("embedding")), "pixelflow-embedding",
                    DispatcherSelector.fromConfig(COMPUTE_DISPATCHER));
        }
        Inference inference = new Inference(s, inferOps, s.segmentation().enabled() ? segSnapshots : null,
                s.embedding().enabled() ? embSnapshots : null);
        Inference examples = new Inference(s, inferOps, s.segmentation().enabled() ? segSnapshots : null, null);
        Inference holdoutEmbedder = new Inference(s, inferOps, null, s.embedding().enabled() ? embSnapshots : null);
        HoldoutSet holdout = new HoldoutSet(200);

        String dlqTopic = flowSettings.deadLetterTopic(s.inputTopic());
        AtomicLong identityFrames = new AtomicLong();
        AtomicLong segBatches = new AtomicLong();
        final ActorRef<ModelOwner.Command> segRef = segOwner;
        final ActorRef<ModelOwner.Command> embRef = embOwner;

        Flow<CommittableMessage<String, byte[]>, Routed, NotUsed> prepare = FrameFlows.decode(flowSettings.frameLimits())
                .map(env -> {
                    tracker.register(env.committableOffset());
                    metrics.count("frames.in", 1);
                    return route(s, validate(s, env), identityFrames);
                });

        Flow<Routed, ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, NotUsed> deadLetters =
                Flow.<Routed>create().map(r -> {
                    FrameEnvelope.Failed f = (FrameEnvelope.Failed) r.envelope();
                    metrics.count("frames.dead-letter", 1);
                    LOG.debug("dead letter {}-{}@{}: {}", f.topic(), f.partition(), f.offset(), f.reason());
                    return ProducerMessage.single(FrameFlows.deadLetter(f, dlqTopic), List.of(f.committableOffset()));
                });

        Flow<Routed, ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, NotUsed> segTraining =
                Flow.<Routed>create()
                        .map(r -> (FrameEnvelope.Decoded) r.envelope())
                        .buffer(s.bufferSize(), OverflowStrategy.backpressure())
                        .groupedWithin(s.segmentation().batchSize(), s.segmentation().batchWait())
                        .mapAsync(1, batch -> {
                            List<Frame> frames = frames(batch);
                            metrics.count("frames.segmentation-training", frames.size());
                            // Every few batches, the latest snapshot's mask for one frame before training on it.
                            CompletableFuture<Void> example = segBatches.incrementAndGet() % EXAMPLE_EVERY_BATCHES == 1
                                    ? CompletableFuture.runAsync(() -> example(examples, frames.getFirst(), listener),
                                    compute) : CompletableFuture.completedFuture(null);
                            return example.thenCompose(v -> AskPattern.<ModelOwner.Command, ModelOwner.Trained>ask(
                                    segRef, reply -> new ModelOwner.Train(frames, reply), STEP_TIMEOUT,
                                    system.scheduler())).thenApply(t -> batch);
                        })
                        .map(FramePipeline::passThroughAll);

        Flow<Routed, ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, NotUsed> embTraining =
                Flow.<Routed>create()
                        .map(r -> (FrameEnvelope.Decoded) r.envelope())
                        .via(PkSampler.flow(PkSampler.Settings.of(s.embedding().identitiesPerBatch(),
                                s.embedding().framesPerIdentity()), d -> d.frame().label()))
                        .mapAsync(1, out -> switch (out) {
                            case PkSampler.Evicted<FrameEnvelope.Decoded> ev -> {
                                metrics.count("frames.pk-evicted." + ev.reason().name().toLowerCase(), 1);
                                yield CompletableFuture.completedFuture(List.of(ev.item()));
                            }
                            case PkSampler.Batch<FrameEnvelope.Decoded> b -> {
                                metrics.count("frames.embedding-training", b.items().size());
                                yield AskPattern.<ModelOwner.Command, ModelOwner.Trained>ask(embRef,
                                        reply -> new ModelOwner.Train(frames(b.items()), reply), STEP_TIMEOUT,
                                        system.scheduler()).thenApply(t -> b.items());
                            }
                        })
                        .map(FramePipeline::passThroughAll);

        Flow<Routed, ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, NotUsed> holdoutRoute =
                inferenceBatches(s, holdoutEmbedder, compute, (batch, out) -> {
                    for (int i = 0; i < out.length; i++) {
                        if (out[i].embeddingValues() != null) {
                            holdout.add(out[i].embeddingValues(), batch.get(i).frame().label());
                        }
                    }
                    metrics.count("frames.holdout", batch.size());
                    return passThroughAll(batch);
                });

        Flow<Routed, ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, NotUsed> inferenceRoute =
                inferenceBatches(s, inference, compute, (batch, out) -> {
                    metrics.count("frames.inferred", batch.size());
                    return results(s, batch, out, metrics);
                });

        Flow<ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, Done, NotUsed> produceAndCommit =
                Producer.<String, byte[], List<CommittableOffset>>flexiFlow(producer)
                        .map(ProducerMessage.Results::passThrough)
                        .mapConcat(tracker::complete)
                        .via(Committer.flow(CommitterSettings.create(system)));

        Source<Done, Consumer.Control> job = Source.fromGraph(
                GraphDSL.create(FrameFlows.committableSource(consumer, s.inputTopic()), (b, source) -> {
                    var routes = b.add(Partition.<Routed>create(5, Routed::route));
                    UniformFanInShape<ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>,
                            ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>> merge = b.add(Merge.create(5));
                    var commit = b.add(produceAndCommit);
                    b.from(source).via(b.add(prepare)).viaFanOut(routes);
                    b.from(routes.out(SEG)).via(b.add(segRef == null ? passThroughRoute() : segTraining))
                            .toInlet(merge.in(SEG));
                    b.from(routes.out(EMB)).via(b.add(embRef == null ? passThroughRoute() : embTraining))
                            .toInlet(merge.in(EMB));
                    b.from(routes.out(HOLDOUT)).via(b.add(holdoutRoute)).toInlet(merge.in(HOLDOUT));
                    b.from(routes.out(INFER)).via(b.add(inferenceRoute)).toInlet(merge.in(INFER));
                    b.from(routes.out(DLQ)).via(b.add(deadLetters)).toInlet(merge.in(DLQ));
                    b.from(merge.out()).toInlet(commit.in());
                    return SourceShape.of(commit.out());
                }));
        // A failure anywhere (a stage throws, the broker is unreachable for too long) restarts the whole graph
        // with backoff; the model owners live on, and consumption resumes from the committed offsets, so what
        // was not committed is processed again and nothing committed is lost.
        AtomicReference<Consumer.Control> current = new AtomicReference<>(Consumer.createNoopControl());
        AtomicLong restarts = new AtomicLong(-1);
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        CompletionStage<Done> streamDone = RestartSource.onFailuresWithBackoff(s.restart(), () -> {
                    if (stopped.get()) {
                        return Source.<Done>empty(); // stopped while backing off: end instead of restarting
                    }
                    if (restarts.incrementAndGet() > 0) {
                        metrics.count("stream.restarts", 1);
                        LOG.warn("pixelflow pipeline: restarting the stream (restart {}) from the committed offsets",
                                restarts.get());
                    }
                    return job.mapMaterializedValue(c -> {
                        current.set(c);
                        return NotUsed.getInstance();
                    });
                })
                .withAttributes(ActorAttributes.dispatcher(STREAM_DISPATCHER))
                .runWith(Sink.ignore(), system);
        StreamControl control = new StreamControl(current, streamDone, stopped);

        Pair<UniqueKillSwitch, CompletionStage<Done>> ticker = Source.tick(s.metricsWindow(), s.metricsWindow(), "tick")
                .viaMat(KillSwitches.single(), Keep.right())
                .concat(Source.single("final"))
                // The consumer's metrics are asked of its actor, which no longer answers once the job stops.
                .mapAsync(1, t -> control.current().get().getMetrics().toCompletableFuture()
                        .completeOnTimeout(null, 1, TimeUnit.SECONDS).handle((m, e) -> {
                    double lag = Double.NaN;
                    if (m != null) {
                        for (var entry : m.entrySet()) {
                            if (entry.getKey().name().equals("records-lag-max")
                                    && entry.getValue().metricValue() instanceof Number n) {
                                lag = Math.max(Double.isNaN(lag) ? 0 : lag, n.doubleValue());
                            }
                        }
                    }
                    return lag;
                }))
                .map(lag -> {
                    if (!Double.isNaN(lag)) {
                        metrics.gauge("consumer-lag-max", Math.max(0, lag));
                    }
                    metrics.gauge("in-flight", tracker.inFlight());
                    HoldoutSet.Recall recall = holdout.recallAt1();
                    if (recall != null) {
                        metrics.gauge("embedding.recall@1", recall.recall());
                        metrics.gauge("embedding.holdout-queries", recall.queries());
                        listener.onHoldoutEmbeddings(recall.vectors(), recall.identities());
                    }
                    Map<String, Object> window = metrics.drain();
                    LOG.info("pixelflow metrics {}", MetricsJson.toJson(window));
                    listener.onMetrics(window);
                    // Keyed by node in a cluster, so one node's windows stay in order on one partition.
                    String key = String.valueOf(window.getOrDefault("cluster.node", "pixelflow"));
                    return new ProducerRecord<String, byte[]>(s.metricsTopic(), null, key,
                            MetricsJson.encode(window), new RecordHeaders());
                })
                .toMat(Producer.plainSink(producer), Keep.both())
                .run(system);

        Runnable close = () -> {
            inference.close();
            examples.close();
            holdoutEmbedder.close();
            inferOps.close();
        };
        LOG.info("pixelflow pipeline: consuming '{}' (group '{}'), segmentation {}, embedding {}", s.inputTopic(),
                s.groupId(), s.segmentation().enabled() ? "on" : "off", s.embedding().enabled() ? "on" : "off");
        return new Running(system, control, segOwner, embOwner, ticker.first(), ticker.second(), metrics, tracker,
                segSnapshots, embSnapshots, close);
    }

    /**
     * Unlabelled-style batches: frames grouped up to the inference batch size or wait, run through
     * {@code inference} on the compute dispatcher (it blocks while the kernels compute), then turned into one
     * producer envelope per batch by {@code handle}.
     */
    private static Flow<Routed, ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, NotUsed> inferenceBatches(
            PipelineSettings s, Inference inference, Executor compute,
            java.util.function.BiFunction<List<FrameEnvelope.Decoded>, Inference.Output[],
                    ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>> handle) {
        return Flow.<Routed>create()
                .map(r -> (FrameEnvelope.Decoded) r.envelope())
                .groupedWithin(s.inference().batchSize(), s.inference().batchWait())
                .mapAsync(1, batch -> CompletableFuture.supplyAsync(
                        () -> handle.apply(batch, inference.run(frames(batch))), compute));
    }

    private static ModelOwner.Settings ownerSettings(PipelineSettings s, String model) {
        PipelineSettings.Checkpoints c = s.checkpoints();
        return new ModelOwner.Settings(s.snapshotEverySteps(), c.dir(model), c.everySteps(), c.every(), c.keep(),
                s.trainingDutyCycle());
    }

    /**
     * A decoded frame of the wrong shape, or a float frame holding NaN or infinity (it would poison a training
     * batch), becomes a failure for the dead-letter topic, value re-encoded as v1.
     */
    private static FrameEnvelope validate(PipelineSettings s, FrameEnvelope env) {
        if (!(env instanceof FrameEnvelope.Decoded d)) {
            return env;
        }
        Frame f = d.frame();
        String reason = null;
        String error = null;
        if (f.channels() != s.channels() || f.height() != s.height() || f.width() != s.width()) {
            reason = "frame is " + f.channels() + "x" + f.height() + "x" + f.width()
                    + " (channels x height x width); this job expects " + s.channels() + "x" + s.height() + "x"
                    + s.width() + " (pixelflow.pipeline.frame)";
            error = "FrameShapeMismatch";
        } else if (f.dtype() == DType.F32) {
            java.nio.FloatBuffer values = java.nio.ByteBuffer.wrap(f.payload()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            for (int i = 0; i < values.limit(); i++) {
                if (!Float.isFinite(values.get(i))) {
                    reason = "frame value " + i + " is " + values.get(i) + ": frames must hold finite numbers";
                    error = "NonFiniteFrame";
                    break;
                }
            }
        }
        if (reason == null) {
            return env;
        }
        return new FrameEnvelope.Failed(reason, error, FrameCodec.encode(f), new RecordHeaders(), d.topic(),
                d.partition(), d.offset(), d.key(), d.committableOffset());
    }

    private static Routed route(PipelineSettings s, FrameEnvelope env, AtomicLong identityFrames) {
        if (!(env instanceof FrameEnvelope.Decoded d)) {
            return new Routed(DLQ, env);
        }
        Frame f = d.frame();
        if (f.hasMask() && s.segmentation().enabled()) {
            return new Routed(SEG, env);
        }
        if (f.hasLabel() && s.embedding().enabled()) {
            long n = identityFrames.incrementAndGet();
            int every = s.embedding().holdoutEvery();
            return new Routed(every > 0 && n % every == 0 ? HOLDOUT : EMB, env);
        }
        return new Routed(INFER, env);
    }

    private static Flow<Routed, ProducerMessage.Envelope<String, byte[], List<CommittableOffset>>, NotUsed> passThroughRoute() {
        return Flow.<Routed>create().map(r -> ProducerMessage.passThrough(List.of(r.envelope().committableOffset())));
    }

    private static List<Frame> frames(List<FrameEnvelope.Decoded> batch) {
        List<Frame> frames = new ArrayList<>(batch.size());
        for (FrameEnvelope.Decoded d : batch) {
            frames.add(d.frame());
        }
        return frames;
    }

    /** The offsets of a batch, committed once the batch is done (a training step ran, nothing to send). */
    private static ProducerMessage.Envelope<String, byte[], List<CommittableOffset>> passThroughAll(
            List<FrameEnvelope.Decoded> batch) {
        return ProducerMessage.passThrough(offsets(batch));
    }

    private static List<CommittableOffset> offsets(List<FrameEnvelope.Decoded> batch) {
        List<CommittableOffset> out = new ArrayList<>(batch.size());
        for (FrameEnvelope.Decoded d : batch) {
            out.add(d.committableOffset());
        }
        return out;
    }

    /**
     * One producer envelope for a whole inference batch: every frame's mask and embedding records, and the
     * batch's offsets, which are released for commit once all of them are acknowledged. One envelope per batch
     * rather than per frame: the producer stage then waits on one completion per batch, so the Kafka client's
     * callbacks wake the stream's thread once per batch instead of once per frame.
     */
    private static ProducerMessage.Envelope<String, byte[], List<CommittableOffset>> results(PipelineSettings s,
            List<FrameEnvelope.Decoded> batch, Inference.Output[] outputs, MetricsWindow metrics) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(2 * batch.size());
        long now = System.currentTimeMillis();
        for (int i = 0; i < outputs.length; i++) {
            FrameEnvelope.Decoded d = batch.get(i);
            Inference.Output out = outputs[i];
            if (out.mask() != null && out.maskModel() != null) {
                records.add(new ProducerRecord<>(s.masksTopic(), null, d.key(), out.mask(),
                        Inference.headers(out.maskModel(), d.topic(), d.partition(), d.offset())));
                metrics.gauge("segmentation.snapshot-age-ms", now - out.maskModel().publishedAtMillis());
            }
            if (out.embedding() != null && out.embeddingModel() != null) {
                records.add(new ProducerRecord<>(s.embeddingsTopic(), null, d.key(), out.embedding(),
                        Inference.headers(out.embeddingModel(), d.topic(), d.partition(), d.offset())));
                metrics.gauge("embedding.snapshot-age-ms", now - out.embeddingModel().publishedAtMillis());
            }
        }
        metrics.count("results.out", records.size());
        return records.isEmpty() ? passThroughAll(batch) : ProducerMessage.multi(records, offsets(batch));
    }

    private static void example(Inference examples, Frame frame, PipelineListener listener) {
        Inference.Output[] out = examples.run(List.of(frame));
        if (out[0].classMap() != null && out[0].maskModel() != null) {
            listener.onSegmentationExample(frame, out[0].classMap(), out[0].maskModel().version());
        }
    }
}
