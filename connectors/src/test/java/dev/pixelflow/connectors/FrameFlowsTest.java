package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.junit.jupiter.api.Test;

/** The frame pipeline against the shared real Kafka broker: results, dead letters and committed offsets. */
class FrameFlowsTest {
    private static final int N = 60;
    private static final int PARTITIONS = 3;

    /** What the test put into each input record. */
    private enum Kind {
        VALID("", ""), TRUNCATED("truncated frame", "FrameDecodeException"),
        FLIPPED("checksum mismatch", "FrameDecodeException"), OVERSIZED("exceeds the limit", "FrameTooLargeException"),
        GARBAGE("unknown record format", "FrameDecodeException"), TOMBSTONE("no value", "NullValue");

        final String reasonPart;
        final String error;

        Kind(String reasonPart, String error) {
            this.reasonPart = reasonPart;
            this.error = error;
        }
    }

    private static Kind kind(int i) {
        if (i == 7) {
            return Kind.OVERSIZED;
        } else if (i == 13) {
            return Kind.GARBAGE;
        } else if (i == 29) {
            return Kind.TOMBSTONE;
        }
        return switch (i % 5) {
            case 1 -> Kind.TRUNCATED;
            case 3 -> Kind.FLIPPED;
            default -> Kind.VALID;
        };
    }

    private static byte @org.jspecify.annotations.Nullable [] value(int i, Kind kind, SplittableRandom rnd) {
        long sequence = 1000 + i;
        return switch (kind) {
            case VALID -> FrameCodec.encode(frame(rnd, sequence, 8));
            case TRUNCATED -> Arrays.copyOf(FrameCodec.encode(frame(rnd, sequence, 8)), FrameCodec.MIN_LENGTH + 20);
            case FLIPPED -> {
                byte[] b = FrameCodec.encode(frame(rnd, sequence, 8));
                b[FrameCodec.FIXED_HEADER + 4 + 5] ^= 0x10; // a payload byte: only the checksum notices
                yield b;
            }
            case OVERSIZED -> FrameCodec.encode(frame(rnd, sequence, 40));
            case GARBAGE -> "not a frame at all".getBytes(StandardCharsets.UTF_8);
            case TOMBSTONE -> null;
        };
    }

    private static Frame frame(SplittableRandom rnd, long sequence, int side) {
        byte[] payload = new byte[3 * side * side];
        rnd.nextBytes(payload);
        return new Frame(DType.U8, 3, side, side, sequence, 1_764_460_800_000L + sequence, null, null, payload);
    }

    @Test
    void decodesProducesDeadLettersAndCommitsEveryOffset() throws Exception {
        long started = System.nanoTime();
        String bootstrap = SharedKafkaBroker.bootstrapServers();
        String input = SharedKafkaBroker.createUniqueTopic("flow-in", PARTITIONS);
        String output = SharedKafkaBroker.createUniqueTopic("flow-out", PARTITIONS);
        String group = SharedKafkaBroker.uniqueTopic("flow-group");

        Config config = ConfigFactory.parseString("""
                pixelflow.connectors.frame-limits { max-width = 32, max-height = 32, max-bytes = 4 KiB }
                pekko.kafka.consumer.stop-timeout = 0s
                pekko.kafka.consumer.kafka-clients.auto.offset.reset = earliest
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load());
        FrameFlowSettings settings = FrameFlowSettings.fromConfig(config);
        assertEquals(new FrameLimits(32, 32, 4, 4096), settings.frameLimits());
        String dlq = settings.deadLetterTopic(input);
        assertEquals(input + ".dlq", dlq);
        SharedKafkaBroker.get().createTopic(dlq, 1);

        // Input: N records over 3 partitions; remember what went to each (partition, offset).
        Map<TopicPartition, Map<Long, Integer>> sent = new HashMap<>();
        byte[][] values = new byte[N][];
        SplittableRandom rnd = new SplittableRandom(20261130);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < N; i++) {
                values[i] = value(i, kind(i), rnd);
                RecordMetadata md = producer.send(new ProducerRecord<>(input, i % PARTITIONS, "k" + i, values[i]))
                        .get(30, TimeUnit.SECONDS);
                sent.computeIfAbsent(new TopicPartition(input, md.partition()), p -> new TreeMap<>()).put(md.offset(), i);
            }
        }

        ActorSystem system = ActorSystem.create("frame-flows-test", config);
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new ByteArrayDeserializer());
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Consumer.DrainingControl<Done> control = FrameFlows.pipeline(
                    FrameFlows.consumerSettings(system).withBootstrapServers(bootstrap).withGroupId(group),
                    input, settings, "echo-1",
                    d -> List.of(ResultRecord.of(output, d.key(),
                            Long.toString(d.frame().sequence()).getBytes(StandardCharsets.UTF_8))),
                    FrameFlows.producerSettings(system).withBootstrapServers(bootstrap),
                    CommitterSettings.create(system))
                    .run(system);

            List<TopicPartition> outParts = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                outParts.add(new TopicPartition(output, p));
            }
            outParts.add(new TopicPartition(dlq, 0));
            reader.assign(outParts);
            reader.seekToBeginning(outParts);
            List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (got.size() < N && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            control.drainAndShutdown(system.dispatcher()).toCompletableFuture().get(60, TimeUnit.SECONDS);
            reader.poll(Duration.ofMillis(500)).forEach(got::add); // nothing more may arrive

            // Every input (partition, offset) exactly once, as a result or a dead letter.
            Map<String, Integer> seen = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : got) {
                assertEquals(input, FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_TOPIC));
                int partition = Integer.parseInt(FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_PARTITION));
                long offset = Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET));
                String where = partition + "@" + offset;
                Integer i = sent.get(new TopicPartition(input, partition)).get(offset);
                assertNotNull(i, "record for an input that does not exist: " + where);
                assertNull(seen.put(where, i), "input " + where + " seen twice");
                assertEquals("k" + i, r.key());
                Kind kind = kind(i);
                if (r.topic().equals(output)) {
                    assertEquals(Kind.VALID, kind, "result for input " + i + " (" + kind + ")");
                    assertEquals(Long.toString(1000 + i), new String(r.value(), StandardCharsets.UTF_8));
                    assertEquals("echo-1", FrameHeaders.text(r.headers(), FrameHeaders.MODEL_VERSION));
                    assertNull(FrameHeaders.text(r.headers(), FrameFlows.DLQ_REASON));
                } else {
                    assertEquals(dlq, r.topic());
                    String reason = FrameHeaders.text(r.headers(), FrameFlows.DLQ_REASON);
                    assertTrue(kind != Kind.VALID && reason.contains(kind.reasonPart),
                            "dead letter of input " + i + " (" + kind + "): " + reason);
                    assertEquals(kind.error, FrameHeaders.text(r.headers(), FrameFlows.DLQ_ERROR));
                    assertTrue(Arrays.equals(values[i], r.value()), "dead letter keeps the original value of input " + i);
                }
            }
            assertEquals(N, seen.size(), "inputs seen: " + seen.size() + " of " + N);
            long deadLetters = got.stream().filter(r -> r.topic().equals(dlq)).count();
            long expectedDeadLetters = java.util.stream.IntStream.range(0, N).filter(i -> kind(i) != Kind.VALID).count();
            assertEquals(expectedDeadLetters, deadLetters);

            // The group's committed offsets are the end offsets of every input partition.
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> end = reader.endOffsets(sent.keySet());
            assertEquals(Set.copyOf(sent.keySet()), committed.keySet());
            assertEquals(end, committed.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())));
            assertEquals(N, end.values().stream().mapToLong(Long::longValue).sum());
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.out.printf("frame pipeline: %d records through Kafka in %d ms%n", N,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
