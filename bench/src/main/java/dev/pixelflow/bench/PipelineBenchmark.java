package dev.pixelflow.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameFlowSettings;
import dev.pixelflow.connectors.FrameFlows;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.streams.EmbeddingModel;
import dev.pixelflow.streams.FramePipeline;
import dev.pixelflow.streams.OnlineModel;
import dev.pixelflow.streams.PipelineListener;
import dev.pixelflow.streams.PipelineSettings;
import dev.pixelflow.streams.PublishedSnapshot;
import dev.pixelflow.streams.SegmentationModel;
import dev.pixelflow.streams.SnapshotHolder;
import dev.pixelflow.streams.data.MixedFrames;
import dev.pixelflow.streams.internal.Inference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * pixelflow's streaming job ({@link FramePipeline}, against the local broker: a real Kafka in its own JVM on the
 * same cores) against the in-memory trainer and predictor it runs, on the same frames. One operation is
 * {@value #FRAMES} frames of 1xSxS u8 ({@link Shape#size}: 48, the job's default shape, and 128), generated once
 * per trial from fixed seeds, so both paths of a pair see the same frames in the same order and batch sizes (the
 * job may cut a batch early when its batch-wait passes first; with a burst of frames queued ahead of training
 * that is rare);
 * frames/s = {@value #FRAMES} / (seconds per op), and the target is stream >= 0.9x in-memory (the stream
 * costs at most 10%).
 * <ul>
 *   <li>{@code trainStream}: job with segmentation only; the op sends {@value #FRAMES} frames with masks to the
 *       input topic and ends when the job has released the offset of the last one for commit, i.e. when its
 *       training step has run (training frames produce no records; the committer then commits in the
 *       background, every {@code pekko.kafka.committer.max-interval}, which is not waited for).</li>
 *   <li>{@code trainInMemory}: {@link SegmentationModel#train} on the same frames in batches of the job's
 *       {@code segmentation.batch-size} (8), same seed and compute threads as the job's model.</li>
 *   <li>{@code inferStream}: job with segmentation and embedding enabled, fed only unlabelled frames, so the
 *       models keep their initial snapshots; the op sends {@value #FRAMES} frames and ends when a mask and an
 *       embedding of each have been read back from the output topics.</li>
 *   <li>{@code inferInMemory}: {@link Inference#run} on the same frames in batches of the job's
 *       {@code inference.batch-size} (16) with the same initial weights (models of the job's seeds) and one
 *       compute thread, like the job.</li>
 *   <li>{@code trainPaired}, {@code inferPaired}: both paths of a kind in one JVM, in turn (see {@link Paired});
 *       the ratio of the two comes from the same compiled kernels and the same minutes.</li>
 * </ul>
 * The jobs run across operations (started in the trial setup, primed with one batch so that the consumer group
 * is assigned before the first operation). Inference latency: every input record's key carries
 * {@link System#nanoTime()} at its send; every result (mask or embedding) keeps that key, and its latency is the
 * time it was consumed minus that. The frames of an op are sent in one burst, so these are latencies under
 * saturation (queueing behind the earlier frames of the burst included), not of an idle job. p50/p90/p99/max
 * over the measured iterations go to {@code bench/results/pipeline-latency-<timestamp>.txt}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// 100 warm-up operations: the job's JVM also carries Kafka, Pekko and Scala code, and on one shared core C2 still
// took a quarter of the CPU after 8 operations (bench/RESULTS.md, "Frame size: 48x48 and 128x128"); warm-up is
// counted in operations, so the faster the machine, the less time C2 gets: 30 were enough on a Zen 3 machine,
// not on a Zen 5 one ("The streaming job on a Zen 5 machine"); at 48x48 even 100 leave C2 a tail of Kafka and Pekko
// code to compile, which 300 finish ("The JIT's tail at 48x48"), but 300 would take 35 minutes per fork at 128x128
@Warmup(iterations = 100)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class PipelineBenchmark {
    static final int FRAMES = 400;
    private static final long TRAIN_SEED = 11;
    private static final long INFER_SEED = 12;
    /** Seeds the job gives its models (FramePipeline.start): the in-memory baselines start from the same weights. */
    private static final long SEGMENTATION_MODEL_SEED = 1;
    private static final long EMBEDDING_MODEL_SEED = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    private static final String INPUT = "frames";

    /** The job's settings for frames of {@code size x size} with only the given models enabled; else defaults. */
    static Config config(int size, boolean segmentation, boolean embedding) {
        return ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pixelflow.pipeline {
                  input-topic = %s
                  group-id = pipeline-bench
                  frame { channels = 1, height = %d, width = %d }
                  segmentation.enabled = %b
                  embedding.enabled = %b
                }
                """.formatted(INPUT, size, size, segmentation, embedding)).withFallback(ConfigFactory.load());
    }

    /** {@value #FRAMES} generated frames of {@code kind}, the same for a given seed in every fork and path. */
    static List<Frame> frames(int size, MixedFrames.Kind kind, long seed) {
        try (MixedFrames gen = new MixedFrames(size, 8, seed)) {
            List<Frame> out = new ArrayList<>(FRAMES);
            for (int i = 0; i < FRAMES; i++) {
                out.add(gen.next(kind, i));
            }
            return List.copyOf(out);
        }
    }

    static List<List<Frame>> batches(List<Frame> frames, int size) {
        List<List<Frame>> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i += size) {
            out.add(List.copyOf(frames.subList(i, Math.min(frames.size(), i + size))));
        }
        return List.copyOf(out);
    }

    static List<byte[]> encode(List<Frame> frames) {
        return frames.stream().map(FrameCodec::encode).toList();
    }

    /** A broker, its topics, the running job and a producer to its input topic. */
    static final class Job implements AutoCloseable {
        final LocalKafkaBroker broker;
        final PipelineSettings settings;
        final ActorSystem<Void> system;
        final FramePipeline.Running running;
        final KafkaProducer<String, byte[]> producer;
        private final Set<String> pinnedCallers = ConcurrentHashMap.newKeySet();

        Job(Config config) {
            settings = PipelineSettings.fromConfig(config);
            FrameFlowSettings flow = FrameFlowSettings.fromConfig(config);
            broker = LocalKafkaBroker.start();
            try {
                pinBroker(broker);
                for (String t : List.of(INPUT, flow.deadLetterTopic(INPUT), settings.masksTopic(),
                        settings.embeddingsTopic(), settings.metricsTopic())) {
                    broker.createTopic(t, 1);
                }
                String bootstrap = broker.bootstrapServers();
                Set<String> before = threadIds();
                producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                        new StringSerializer(), new ByteArraySerializer());
                // the producer's network thread is the benchmark's, not the job's: it goes with the broker
                Set<String> started = threadIds();
                started.removeAll(before);
                pinToBrokerCpus(started);
                system = ActorSystem.create(Behaviors.empty(), "pipeline-bench", config);
                var classic = Adapter.toClassic(system);
                // The group is new and reference.conf starts it at the earliest offset.
                running = FramePipeline.start(system, settings, flow,
                        FrameFlows.consumerSettings(classic).withBootstrapServers(bootstrap),
                        FrameFlows.producerSettings(classic).withBootstrapServers(bootstrap),
                        new PipelineListener() { });
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        /**
         * Moves the calling thread (the JMH worker that sends the frames and reads the results: work of the job's
         * upstream and downstream, not of the job) to the broker's CPUs, once per thread.
         */
        void pinCaller() {
            String self = currentThreadId();
            if (self != null && pinnedCallers.add(self)) {
                pinToBrokerCpus(Set.of(self));
            }
        }

        /** Sends {@code values} (keys from {@code key}) and returns the input offset after the last one. */
        long send(List<byte[]> values, IntFunction<String> key) {
            Future<RecordMetadata> last = null;
            for (int i = 0; i < values.size(); i++) {
                last = producer.send(new ProducerRecord<>(INPUT, key.apply(i), values.get(i)));
            }
            producer.flush();
            try {
                return last.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset() + 1;
            } catch (Exception e) {
                throw new IllegalStateException("sending frames failed", e);
            }
        }

        /** Waits until the job released every input offset below {@code next} for commit. */
        void awaitReleased(long next) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (running.releasedOffsets().getOrDefault(INPUT + "-0", 0L) < next) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the job released " + running.releasedOffsets() + ", not "
                            + INPUT + "-0 up to " + next + ", in " + TIMEOUT);
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void close() throws Exception {
            try {
                running.stop().toCompletableFuture().get(120, TimeUnit.SECONDS);
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
                producer.close();
            } finally {
                broker.close();
            }
        }
    }

    /** The frame shape of a trial, shared by the states of both paths. */
    @State(Scope.Benchmark)
    public static class Shape {
        /**
         * Frame side: 48 is the job's default shape (1x48x48); 128 is a camera crop closer to production, where
         * the stream's fixed per-record work (consume, produce, commit) weighs less against the models' compute.
         */
        @Param({"48", "128"})
        public int size;
    }

    /**
     * The CPU time of this JVM's threads in the measured iterations of a path (see {@link ThreadCpu}), written to
     * {@code bench/results/pipeline-cpu-<timestamp>.txt} when its trial ends.
     */
    public abstract static class CpuAccounted {
        final ThreadCpu cpu = new ThreadCpu();
        boolean measuring;
        int size;

        @Setup(Level.Trial)
        public void frameSize(Shape shape) {
            size = shape.size;
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
            if (measuring) {
                cpu.begin();
            }
        }

        @TearDown(Level.Iteration)
        public void iterationDone() {
            if (measuring) {
                cpu.end();
            }
        }

        /** Prepares the trial: the frames, and the job or the model. */
        public abstract void setUp(Shape shape);

        /** Writes the CPU report and closes the job or the model. */
        public abstract void tearDown() throws Exception;

        /** One operation of the path: {@value #FRAMES} frames. */
        abstract double op();

        /** Writes and prints the CPU per operation of the measured iterations. */
        void writeCpu(String benchmark) throws IOException {
            String report = cpu.report();
            if (!report.isEmpty()) {
                writeResult("pipeline-cpu-", String.format(Locale.ROOT,
                        "PipelineBenchmark.%s size %d: CPU per op (%d frames) of the benchmark JVM's threads%n%s",
                        benchmark, size, FRAMES, report));
            }
        }
    }

    @State(Scope.Benchmark)
    public static class TrainStream extends CpuAccounted {
        Job job;
        List<byte[]> values;

        @Setup(Level.Trial)
        @Override
        public void setUp(Shape shape) {
            values = encode(frames(shape.size, MixedFrames.Kind.SEGMENTATION_LABELLED, TRAIN_SEED));
            job = new Job(config(shape.size, true, false));
            job.awaitReleased(job.send(values.subList(0, job.settings.segmentation().batchSize()), i -> "prime"));
        }

        /** Sends the frames and waits until the job has trained on the last one; the next input offset. */
        @Override
        double op() {
            job.pinCaller();
            long next = job.send(values, i -> "camera-" + i % 8);
            job.awaitReleased(next);
            return next;
        }

        @TearDown(Level.Trial)
        @Override
        public void tearDown() throws Exception {
            try {
                writeCpu("trainStream");
            } finally {
                job.close();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class TrainInMemory extends CpuAccounted {
        SegmentationModel model;
        List<List<Frame>> batches;

        @Setup(Level.Trial)
        @Override
        public void setUp(Shape shape) {
            PipelineSettings s = PipelineSettings.fromConfig(config(shape.size, true, false));
            model = new SegmentationModel(s, Ops.defaults(), SEGMENTATION_MODEL_SEED);
            List<Frame> frames = frames(shape.size, MixedFrames.Kind.SEGMENTATION_LABELLED, TRAIN_SEED);
            batches = batches(frames, s.segmentation().batchSize());
        }

        /** A training step per batch; the sum of the losses. */
        @Override
        double op() {
            double loss = 0;
            for (List<Frame> batch : batches) {
                loss += model.train(batch).loss();
            }
            return loss;
        }

        @TearDown(Level.Trial)
        @Override
        public void tearDown() throws IOException {
            try {
                writeCpu("trainInMemory");
            } finally {
                model.close();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class InferStream extends CpuAccounted {
        Job job;
        List<byte[]> values;
        KafkaConsumer<String, byte[]> results;
        long[] latencies = new long[4 * FRAMES];
        int latencyCount;

        @Setup(Level.Trial)
        @Override
        public void setUp(Shape shape) {
            values = encode(frames(shape.size, MixedFrames.Kind.SEGMENTATION_UNLABELLED, INFER_SEED));
            job = new Job(config(shape.size, true, true));
            results = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, job.broker.bootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = List.of(new TopicPartition(job.settings.masksTopic(), 0),
                    new TopicPartition(job.settings.embeddingsTopic(), 0));
            results.assign(parts);
            results.seekToBeginning(parts);
            parts.forEach(results::position);
            readResults(this, job.settings.inference().batchSize(),
                    values.subList(0, job.settings.inference().batchSize()));
        }

        /** Sends the frames and reads a mask and an embedding of each; the bytes of results read. */
        @Override
        double op() {
            job.pinCaller();
            return readResults(this, FRAMES, values);
        }

        void record(long nanos) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = nanos;
        }

        @TearDown(Level.Trial)
        @Override
        public void tearDown() throws Exception {
            try {
                writeLatencies(Arrays.copyOf(latencies, latencyCount));
                writeCpu("inferStream");
            } finally {
                try {
                    results.close();
                } finally {
                    job.close();
                }
            }
        }
    }

    @State(Scope.Benchmark)
    public static class InferInMemory extends CpuAccounted {
        Ops ops;
        OnlineModel segmentation;
        OnlineModel embedding;
        Inference inference;
        List<List<Frame>> batches;

        @Setup(Level.Trial)
        @Override
        public void setUp(Shape shape) {
            PipelineSettings s = PipelineSettings.fromConfig(config(shape.size, true, true));
            // The job's initial snapshots: fresh models of the job's seeds (the stream never trains them here).
            segmentation = new SegmentationModel(s, Ops.defaults(), SEGMENTATION_MODEL_SEED);
            embedding = new EmbeddingModel(s, Ops.defaults(), EMBEDDING_MODEL_SEED);
            ops = Ops.builder().threads(s.inference().threads()).build();
            inference = new Inference(s, ops, SnapshotHolder.of(published(segmentation)),
                    SnapshotHolder.of(published(embedding)));
            batches = batches(frames(shape.size, MixedFrames.Kind.SEGMENTATION_UNLABELLED, INFER_SEED),
                    s.inference().batchSize());
        }

        /** Inference per batch; the bytes of masks and embeddings. */
        @Override
        double op() {
            long bytes = 0;
            for (List<Frame> batch : batches) {
                for (Inference.Output o : inference.run(batch)) {
                    bytes += o.mask().length + o.embedding().length;
                }
            }
            return bytes;
        }

        private static PublishedSnapshot published(OnlineModel m) {
            return new PublishedSnapshot(m.name(), m.snapshot(), System.currentTimeMillis(), m.inputStats());
        }

        @TearDown(Level.Trial)
        @Override
        public void tearDown() throws IOException {
            try {
                writeCpu("inferInMemory");
            } finally {
                inference.close();
                ops.close();
                segmentation.close();
                embedding.close();
            }
        }
    }

    /**
     * Both paths of a kind in one JVM: each operation runs the in-memory path and the stream path once, in turn,
     * the order alternating from one operation to the next, and times each. Separate forks compile the models'
     * kernels separately, and how well C2 compiles them varies from one JVM launch to the next by more than the
     * stream's cost (bench/RESULTS.md: at 128x128 one fork's model computed 1643 ms of CPU per inference operation,
     * another's 1320 ms, with the same code and frames); here both paths run the same compiled kernels, and the
     * machine's noise of the moment falls on both. The in-memory path runs on a thread of its own started in the
     * trial setup, so it keeps the JVM's CPUs (the JMH thread moves to the broker's CPUs with the stream path's
     * {@link Job#pinCaller}). JMH's score is the pair's time; the per-path times and their ratio go to
     * {@code bench/results/pipeline-paired-<timestamp>.txt}.
     */
    public abstract static class Paired {
        final ExecutorService memoryThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "in-memory-path");
            t.setDaemon(true);
            return t;
        });
        final List<Long> memoryNanos = new ArrayList<>();
        final List<Long> streamNanos = new ArrayList<>();
        private final String benchmark;
        private final CpuAccounted memory;
        private final CpuAccounted stream;
        int size;
        boolean measuring;
        long pairs;

        Paired(String benchmark, CpuAccounted memory, CpuAccounted stream) {
            this.benchmark = benchmark;
            this.memory = memory;
            this.stream = stream;
        }

        @Setup(Level.Trial)
        public void setUp(Shape shape) throws Exception {
            size = shape.size;
            // the in-memory path's thread starts here, on the JVM's CPUs, before the JMH thread is moved
            memoryThread.submit(() -> { }).get();
            memory.setUp(shape);
            stream.setUp(shape);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            try {
                finish();
            } finally {
                try {
                    stream.tearDown();
                } finally {
                    memory.tearDown();
                }
            }
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** One operation of each path, in alternating order; the sum of their results. */
        double pair() throws Exception {
            boolean memoryFirst = (pairs++ & 1) == 0;
            double sum = 0;
            for (int k = 0; k < 2; k++) {
                boolean inMemory = (k == 0) == memoryFirst;
                long t0 = System.nanoTime();
                sum += inMemory ? memoryThread.submit(memory::op).get() : stream.op();
                long nanos = System.nanoTime() - t0;
                if (measuring) {
                    (inMemory ? memoryNanos : streamNanos).add(nanos);
                }
            }
            return sum;
        }

        /** Writes and prints the medians of both paths and their ratio; stops the in-memory path's thread. */
        private void finish() throws IOException {
            try {
                if (!memoryNanos.isEmpty()) {
                    int n = memoryNanos.size();
                    double[] memory = new double[n];
                    double[] stream = new double[n];
                    double[] ratios = new double[n];
                    for (int i = 0; i < n; i++) {
                        memory[i] = memoryNanos.get(i) / 1e6;
                        stream[i] = streamNanos.get(i) / 1e6;
                        ratios[i] = memory[i] / stream[i];
                    }
                    writeResult("pipeline-paired-", String.format(Locale.ROOT, """
                            PipelineBenchmark.%s size %d: %d measured pairs (each path once per pair) in one JVM
                            in memory  median %.1f ms per op (%d frames)
                            stream     median %.1f ms per op
                            in-memory time / stream time: %.3fx (of the medians), %.3fx (median of the pairs' ratios)
                            in memory ms, in order: %s
                            stream ms, in order:    %s
                            """, benchmark, size, n, median(memory), FRAMES, median(stream),
                            median(memory) / median(stream), median(ratios), list(memory), list(stream)));
                }
            } finally {
                memoryThread.shutdownNow();
            }
        }

        private static String list(double[] values) {
            StringBuilder out = new StringBuilder();
            for (double v : values) {
                out.append(out.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
            }
            return out.toString();
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    @State(Scope.Benchmark)
    public static class TrainPaired extends Paired {
        public TrainPaired() {
            super("trainPaired", new TrainInMemory(), new TrainStream());
        }
    }

    @State(Scope.Benchmark)
    public static class InferPaired extends Paired {
        public InferPaired() {
            super("inferPaired", new InferInMemory(), new InferStream());
        }
    }

    /**
     * Sends {@code values} (key: the send time in nanoseconds) and reads {@code n} masks and {@code n}
     * embeddings; records each result's latency while measuring. Returns the bytes of results read.
     */
    private static long readResults(InferStream s, int n, List<byte[]> values) {
        s.job.send(values, i -> Long.toString(System.nanoTime()));
        String masksTopic = s.job.settings.masksTopic();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int masks = 0;
        int embeddings = 0;
        long bytes = 0;
        while (masks < n || embeddings < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + masks + " masks and " + embeddings + " embeddings of " + n
                        + " frames arrived in " + TIMEOUT);
            }
            for (ConsumerRecord<String, byte[]> r : s.results.poll(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                if (r.topic().equals(masksTopic)) {
                    masks++;
                } else {
                    embeddings++;
                }
                bytes += r.value().length;
                if (s.measuring) {
                    s.record(now - Long.parseLong(r.key()));
                }
            }
        }
        if (masks != n || embeddings != n) {
            throw new IllegalStateException(masks + " masks and " + embeddings + " embeddings for " + n + " frames");
        }
        return bytes;
    }

    /** Writes and prints p50/p90/p99/max (nearest rank) of the measured inference latencies. */
    private static void writeLatencies(long[] nanos) throws IOException {
        if (nanos.length == 0) {
            return;
        }
        Arrays.sort(nanos);
        String text = String.format(Locale.ROOT, """
                PipelineBenchmark.inferStream latency (result consumed - input sent), %d frames per op sent in one burst
                results %d (a mask and an embedding per frame, measured iterations only)
                p50 %.2f ms
                p90 %.2f ms
                p99 %.2f ms
                max %.2f ms
                """, FRAMES, nanos.length, rank(nanos, 0.50), rank(nanos, 0.90), rank(nanos, 0.99),
                nanos[nanos.length - 1] / 1e6);
        writeResult("pipeline-latency-", text);
    }

    private static void writeResult(String prefix, String text) throws IOException {
        Path dir = Path.of("bench", "results");
        Files.createDirectories(dir);
        Path file = dir.resolve(prefix
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt");
        Files.writeString(file, text);
        System.out.print(text);
        System.out.println("written to " + file.toAbsolutePath());
    }

    private static double rank(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)] / 1e6;
    }

    @Benchmark
    public double trainStream(TrainStream s) {
        return s.op();
    }

    @Benchmark
    public double trainInMemory(TrainInMemory s) {
        return s.op();
    }

    @Benchmark
    public double inferStream(InferStream s) {
        return s.op();
    }

    @Benchmark
    public double inferInMemory(InferInMemory s) {
        return s.op();
    }

    /** Both training paths in one JVM, in turn; see {@link Paired}. */
    @Benchmark
    public double trainPaired(TrainPaired s) throws Exception {
        return s.pair();
    }

    /** Both inference paths in one JVM, in turn; see {@link Paired}. */
    @Benchmark
    public double inferPaired(InferPaired s) throws Exception {
        return s.pair();
    }

    /**
     * With {@code -Dpixelflow.bench.broker-cpus=LIST} (e.g. {@code 1}), moves every thread of the broker JVM to
     * those CPUs ({@code taskset}), so that with the benchmark JVM confined to the other CPUs (run it under
     * {@code taskset -c 0}) the stream and in-memory paths get the same cores and the broker's own work, which
     * a deployment runs on other machines, is not counted against the stream. The benchmark's own Kafka
     * clients (its producer of frames and its reader of results, see {@link Job#pinCaller}) go there too: they
     * stand for the job's upstream and downstream services.
     */
    static void pinBroker(LocalKafkaBroker broker) {
        String cpus = brokerCpus();
        if (cpus != null) {
            taskset(List.of("taskset", "-a", "-p", "-c", cpus, Long.toString(broker.pid())));
        }
    }

    private static String brokerCpus() {
        String cpus = System.getProperty("pixelflow.bench.broker-cpus");
        return cpus == null || cpus.isBlank() ? null : cpus;
    }

    /** Moves the given threads of this JVM (Linux thread ids) to the broker's CPUs, when those are set. */
    static void pinToBrokerCpus(Set<String> threadIds) {
        String cpus = brokerCpus();
        if (cpus == null) {
            return;
        }
        for (String tid : threadIds) {
            taskset(List.of("taskset", "-p", "-c", cpus, tid));
        }
    }

    /** Linux thread ids of this JVM (empty where /proc is missing, and then nothing is pinned). */
    static Set<String> threadIds() {
        Set<String> ids = new HashSet<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(t -> ids.add(t.getFileName().toString()));
        } catch (IOException e) {
            // no /proc: nothing to pin
        }
        return ids;
    }

    /** The calling thread's Linux thread id, or null without /proc. */
    static String currentThreadId() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static void taskset(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("taskset failed: " + out);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot run taskset", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
