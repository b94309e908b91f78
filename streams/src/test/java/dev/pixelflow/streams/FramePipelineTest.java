package dev.pixelflow.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameFlowSettings;
import dev.pixelflow.connectors.FrameFlows;
import dev.pixelflow.connectors.FrameHeaders;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.connectors.TopicSetup;
import dev.pixelflow.connectors.DType;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.streams.data.MixedFrames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole job against a real local Kafka broker, with real actors and streams. */
class FramePipelineTest {
    private static final int SIZE = 32;
    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Where each produced record went: partition@offset -> what it was. */
    private enum Sent { SEG_LABELLED, ID_LABELLED, UNLABELLED, CORRUPT, WRONG_SHAPE, NON_FINITE }

    @Test
    void trainsOnlineServesEveryUnlabelledFrameAndCommitsEverything(@TempDir Path checkpoints) throws Exception {
        String input = "frames-e2e";
        broker.createTopic(input, 2);
        Config config = ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pixelflow.pipeline {
                  input-topic = frames-e2e
                  masks-topic = masks-e2e
                  embeddings-topic = embeddings-e2e
                  metrics-topic = metrics-e2e
                  group-id = e2e
                  frame { channels = 1, height = 32, width = 32 }
                  metrics-window = 1s
                  checkpoint { dir = "%s", every-steps = 40 }
                  embedding.identities-per-batch = 4
                  # A deliberately slowed trainer (half the time pausing) behind a producer that is far ahead.
                  training-duty-cycle = 0.5
                }
                """.formatted(checkpoints.toString().replace("\\", "\\\\"))).withFallback(ConfigFactory.load());
        PipelineSettings settings = PipelineSettings.fromConfig(config);
        FrameFlowSettings flow = FrameFlowSettings.fromConfig(config);
        createOutputTopics(settings, flow);

        Map<String, Sent> sent = produce(input);
        long unlabelled = sent.values().stream().filter(k -> k == Sent.UNLABELLED).count();

        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "e2e", config);
        List<Map<String, Object>> windows = new CopyOnWriteArrayList<>();
        PipelineListener listener = new PipelineListener() {
            @Override
            public void onMetrics(Map<String, Object> window) {
                windows.add(window);
            }
        };
        try {
            var classic = Adapter.toClassic(system);
            FramePipeline.Running running = FramePipeline.start(system, settings, flow,
                    FrameFlows.consumerSettings(classic).withBootstrapServers(broker.bootstrapServers()),
                    FrameFlows.producerSettings(classic).withBootstrapServers(broker.bootstrapServers()), listener);

            Map<String, List<ConsumerRecord<String, byte[]>>> out = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            try (KafkaConsumer<String, byte[]> reader = reader()) {
                List<TopicPartition> parts = new ArrayList<>();
                for (String t : List.of(settings.masksTopic(), settings.embeddingsTopic(), flow.deadLetterTopic(input))) {
                    for (int p = 0; p < 2; p++) {
                        parts.add(new TopicPartition(t, p));
                    }
                }
                reader.assign(parts);
                reader.seekToBeginning(parts);
                // Frames waiting in the P x K sampler hold their partition's commit back until they are
                // trained on or evicted (or the job stops): wait for the outputs, then stop and check the commits.
                long expected = 2 * unlabelled + sent.values().stream()
                        .filter(k -> k == Sent.CORRUPT || k == Sent.WRONG_SHAPE || k == Sent.NON_FINITE).count();
                long got = 0;
                while (System.nanoTime() < deadline && got < expected) {
                    for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                        out.computeIfAbsent(r.topic(), k -> new ArrayList<>()).add(r);
                        got++;
                    }
                }
                running.stop().toCompletableFuture().get(120, TimeUnit.SECONDS);
                for (int i = 0; i < 5; i++) {
                    for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                        out.computeIfAbsent(r.topic(), k -> new ArrayList<>()).add(r);
                    }
                }
            }
            assertTrue(committedToEnd(input, sent.size()), "the group committed every input offset");

            // Every unlabelled frame: exactly one mask and one embedding (after dedup by source offset).
            for (String topic : List.of(settings.masksTopic(), settings.embeddingsTopic())) {
                Map<String, Integer> bySource = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : out.getOrDefault(topic, List.of())) {
                    String src = FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_PARTITION) + "@"
                            + FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET);
                    assertEquals(Sent.UNLABELLED, sent.get(src), topic + " record for " + src);
                    assertNotNull(FrameHeaders.text(r.headers(), FrameHeaders.MODEL_VERSION));
                    assertNotNull(FrameHeaders.text(r.headers(), PublishedSnapshot.AGE_HEADER));
                    bySource.merge(src, 1, Integer::sum);
                }
                assertEquals(unlabelled, bySource.size(), topic + ": one result per unlabelled frame");
            }
            int mask = SIZE * SIZE;
            for (ConsumerRecord<String, byte[]> r : out.get(settings.masksTopic())) {
                assertEquals(mask, r.value().length, "raw u8 mask");
            }
            for (ConsumerRecord<String, byte[]> r : out.get(settings.embeddingsTopic())) {
                assertEquals(32, dev.pixelflow.connectors.EmbeddingEncoding.decode(r.value()).length);
            }
            // Bad records: dead letters with the reason.
            Set<String> dead = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : out.getOrDefault(flow.deadLetterTopic(input), List.of())) {
                dead.add(FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_PARTITION) + "@"
                        + FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET));
                assertNotNull(FrameHeaders.text(r.headers(), FrameFlows.DLQ_REASON));
            }
            Set<String> bad = new HashSet<>();
            sent.forEach((k, v) -> {
                if (v == Sent.CORRUPT || v == Sent.WRONG_SHAPE || v == Sent.NON_FINITE) {
                    bad.add(k);
                }
            });
            assertEquals(bad, dead);

            // Learning on the stream: IoU and recall@1 rise; metrics reach the metrics topic.
            double firstIoU = Double.NaN;
            double lastIoU = Double.NaN;
            double lastRecall = Double.NaN;
            for (Map<String, Object> w : windows) {
                if (w.get("segmentation.objectIoU") instanceof Double d) {
                    firstIoU = Double.isNaN(firstIoU) ? d : firstIoU;
                    lastIoU = d;
                }
                if (w.get("embedding.recall@1") instanceof Double d) {
                    lastRecall = d;
                }
            }
            System.out.printf("e2e: %d windows, object IoU %.3f -> %.3f, recall@1 %.3f%n", windows.size(), firstIoU,
                    lastIoU, lastRecall);
            assertTrue(lastIoU > 0.3 && lastIoU > firstIoU, "object IoU rose: " + firstIoU + " -> " + lastIoU);
            assertTrue(lastRecall >= 0.8, "recall@1 on held-out identity frames: " + lastRecall);
            assertFalse(readAll(settings.metricsTopic()).isEmpty(), "metrics records");
            // Back-pressure: all frames wait in Kafka from the start, yet the job holds only what its bounded
            // stages can: buffer 64 + batches, the P x K sampler's 256, inference batches, 100 in the producer.
            double maxInFlight = windows.stream().mapToDouble(w -> w.get("in-flight") instanceof Number n
                    ? n.doubleValue() : 0).max().orElse(0);
            System.out.printf("e2e: at most %.0f frames in flight of %d%n", maxInFlight, sent.size());
            assertTrue(maxInFlight > 0 && maxInFlight < 600, "frames in flight stayed bounded: " + maxInFlight);
            assertTrue(java.nio.file.Files.list(checkpoints.resolve("segmentation")).findAny().isPresent());
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailingStageRestartsTheStreamFromTheCommittedOffsets() throws Exception {
        String input = "frames-restart";
        broker.createTopic(input, 1);
        Config config = ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pixelflow.pipeline {
                  input-topic = frames-restart
                  masks-topic = masks-restart
                  embeddings-topic = embeddings-restart
                  metrics-topic = metrics-restart
                  group-id = restart
                  frame { channels = 1, height = 32, width = 32 }
                  metrics-window = 1s
                  restart { min-backoff = 200ms, max-backoff = 1s }
                  normalization = online-zscore
                }
                """).withFallback(ConfigFactory.load());
        PipelineSettings settings = PipelineSettings.fromConfig(config);
        FrameFlowSettings flow = FrameFlowSettings.fromConfig(config);
        createOutputTopics(settings, flow);
        Map<String, Sent> sent = produce(input, 300);
        long unlabelled = sent.values().stream().filter(k -> k == Sent.UNLABELLED).count();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        PipelineListener failOnce = new PipelineListener() {
            @Override
            public void onSegmentationExample(Frame frame, byte[] predictedMask, long modelVersion) {
                // Thrown inside a stage of the segmentation route: the whole graph fails.
                if (failures.getAndIncrement() == 0) {
                    throw new IllegalStateException("injected stage failure");
                }
            }
        };
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "restart", config);
        try {
            var classic = Adapter.toClassic(system);
            FramePipeline.Running running = FramePipeline.start(system, settings, flow,
                    FrameFlows.consumerSettings(classic).withBootstrapServers(broker.bootstrapServers()),
                    FrameFlows.producerSettings(classic).withBootstrapServers(broker.bootstrapServers()), failOnce);
            Set<String> masks = new HashSet<>();
            try (KafkaConsumer<String, byte[]> reader = reader()) {
                List<TopicPartition> parts = List.of(new TopicPartition(settings.masksTopic(), 0));
                reader.assign(parts);
                reader.seekToBeginning(parts);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline && masks.size() < unlabelled) {
                    for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                        masks.add(FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET));
                    }
                }
            }
            running.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertTrue(failures.get() >= 2, "the failing stage ran again after the restart: " + failures.get());
            assertEquals(1, running.metrics().total("stream.restarts"), "one restart");
            assertEquals(unlabelled, masks.size(), "every unlabelled frame got its mask despite the failure");
            assertTrue(committedToEnd("restart", input, sent.size()), "committed to the end after the restart");
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private static void createOutputTopics(PipelineSettings settings, FrameFlowSettings flow) {
        String input = settings.inputTopic();
        try (Admin admin = TopicSetup.admin(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicSetup.defaults().ensure(admin, input, List.of(settings.masksTopic(), settings.embeddingsTopic(),
                    settings.metricsTopic(), flow.deadLetterTopic(input)), Duration.ofSeconds(30));
        }
    }

    private Map<String, Sent> produce(String topic) throws Exception {
        return produce(topic, 1200);
    }

    private Map<String, Sent> produce(String topic, int labelled) throws Exception {
        Map<String, Sent> sent = new HashMap<>();
        try (MixedFrames gen = new MixedFrames(SIZE, 6, 11);
             KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            List<Sent> plan = new ArrayList<>();
            for (int i = 0; i < labelled; i++) {
                plan.add(i % 2 == 0 ? Sent.SEG_LABELLED : Sent.ID_LABELLED);
                if (i % 15 == 7) {
                    plan.add(Sent.UNLABELLED);
                }
            }
            plan.add(plan.size() / 4, Sent.CORRUPT);
            plan.add(plan.size() / 2, Sent.WRONG_SHAPE);
            plan.add(3 * plan.size() / 4, Sent.CORRUPT);
            plan.add(plan.size() / 3, Sent.NON_FINITE);
            long seq = 0;
            List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
            for (Sent s : plan) {
                byte[] value = switch (s) {
                    case SEG_LABELLED -> FrameCodec.encode(gen.next(MixedFrames.Kind.SEGMENTATION_LABELLED, seq));
                    case ID_LABELLED -> FrameCodec.encode(gen.next(MixedFrames.Kind.IDENTITY_LABELLED, seq));
                    case UNLABELLED -> FrameCodec.encode(gen.next(seq % 2 == 0 ? MixedFrames.Kind.SEGMENTATION_UNLABELLED
                            : MixedFrames.Kind.IDENTITY_UNLABELLED, seq));
                    case CORRUPT -> "not a frame".getBytes(StandardCharsets.UTF_8);
                    case WRONG_SHAPE -> FrameCodec.encode(new Frame(DType.U8, 1, 8, 8, seq, 0, null, null, new byte[64]));
                    case NON_FINITE -> {
                        // A float frame with a mask and one NaN: it must not reach a training batch.
                        float[] v = new float[SIZE * SIZE];
                        v[17] = Float.NaN;
                        Frame f = Frame.ofFloats(1, SIZE, SIZE, v, seq, 0, null, new byte[SIZE * SIZE]);
                        yield FrameCodec.encode(f);
                    }
                };
                acks.add(p.send(new ProducerRecord<>(topic, "camera-" + (seq % 5), value)));
                seq++;
            }
            for (int i = 0; i < acks.size(); i++) {
                RecordMetadata md = acks.get(i).get(30, TimeUnit.SECONDS);
                sent.put(md.partition() + "@" + md.offset(), plan.get(i));
            }
        }
        return sent;
    }

    private static boolean committedToEnd(String topic, int records) throws Exception {
        return committedToEnd("e2e", topic, records);
    }

    private static boolean committedToEnd(String group, String topic, int records) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> c = broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long sum = 0;
        for (var e : c.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum == records;
    }

    private static KafkaConsumer<String, byte[]> reader() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> r = reader()) {
            List<TopicPartition> parts = new ArrayList<>();
            for (var info : r.partitionsFor(topic)) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            r.assign(parts);
            r.seekToBeginning(parts);
            for (int i = 0; i < 10 && got.isEmpty(); i++) {
                r.poll(Duration.ofMillis(300)).forEach(got::add);
            }
        }
        return got;
    }
}
