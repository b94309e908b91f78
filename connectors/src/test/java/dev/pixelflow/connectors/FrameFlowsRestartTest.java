package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

/**
 * Restart after an unclean stop: the first run is killed mid-stream (its actor system terminated, nothing
 * drained), a second run in the same consumer group finishes the topic. At-least-once: every input offset has
 * a result; an input has more than one result only if its offset was not committed when the first run died.
 */
class FrameFlowsRestartTest {
    private static final int N = 300;
    private static final int PARTITIONS = 3;
    /** Results the first run has produced when it is killed. */
    private static final int KILL_AFTER = 90;

    private static final Config CONFIG = ConfigFactory.parseString("""
            pekko.kafka.consumer.stop-timeout = 0s
            pekko.kafka.consumer.kafka-clients.auto.offset.reset = earliest
            pekko.kafka.consumer.kafka-clients.session.timeout.ms = 6000
            pekko.kafka.consumer.kafka-clients.heartbeat.interval.ms = 1000
            pekko.kafka.consumer.kafka-clients.max.poll.records = 20
            pekko.loglevel = ERROR
            pekko.stdout-loglevel = ERROR
            """).withFallback(ConfigFactory.load());

    @Test
    void restartAfterUncleanStopLosesNoInputAndDuplicatesOnlyTheUncommittedTail() throws Exception {
        long started = System.nanoTime();
        String bootstrap = SharedKafkaBroker.bootstrapServers();
        String input = SharedKafkaBroker.createUniqueTopic("restart-in", PARTITIONS);
        String output = SharedKafkaBroker.createUniqueTopic("restart-out", PARTITIONS);
        String group = SharedKafkaBroker.uniqueTopic("restart-group");
        FrameFlowSettings settings = FrameFlowSettings.fromConfig(CONFIG);
        SharedKafkaBroker.get().createTopic(settings.deadLetterTopic(input), 1);

        List<TopicPartition> inParts = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            inParts.add(new TopicPartition(input, p));
        }
        SplittableRandom rnd = new SplittableRandom(20261130);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < N; i++) {
                byte[] payload = new byte[3 * 4 * 4];
                rnd.nextBytes(payload);
                Frame frame = new Frame(DType.U8, 3, 4, 4, i, 1_764_460_800_000L + i, null, null, payload);
                producer.send(new ProducerRecord<>(input, i % PARTITIONS, "k" + i, FrameCodec.encode(frame)));
            }
            producer.flush();
        }

        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new ByteArrayDeserializer());
                Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, Long> end = reader.endOffsets(inParts);
            assertEquals(N, end.values().stream().mapToLong(Long::longValue).sum());

            // First run: slow results, killed once some are out; the committer commits small batches often so
            // part of the work is committed and part is not.
            AtomicInteger produced = new AtomicInteger();
            ActorSystem first = ActorSystem.create("restart-first", CONFIG);
            try {
                run(first, bootstrap, input, output, group, settings, d -> {
                    sleep(10);
                    produced.incrementAndGet();
                    return result(output, d);
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (produced.get() < KILL_AFTER && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(produced.get() >= KILL_AFTER, "first run produced only " + produced.get() + " results");
            } finally {
                // The unclean stop: no drain, no shutdown of the control, the whole system goes away.
                first.terminate();
                first.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            Map<TopicPartition, Long> atCrash = committed(admin, group);
            int producedFirst = produced.get();
            assertTrue(producedFirst < N, "the first run finished before it was killed");
            for (TopicPartition tp : inParts) {
                assertTrue(atCrash.getOrDefault(tp, 0L) <= end.get(tp), "committed beyond the end: " + atCrash);
            }

            // Second run, same group: runs to the end offsets, then drains and shuts down cleanly.
            ActorSystem second = ActorSystem.create("restart-second", CONFIG);
            try {
                Consumer.DrainingControl<Done> control = run(second, bootstrap, input, output, group, settings,
                        d -> result(output, d));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
                while (!committed(admin, group).equals(end) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                control.drainAndShutdown(second.dispatcher()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                second.terminate();
                second.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            assertEquals(end, committed(admin, group), "final committed offsets");

            // Every result in the output topic, counted per input (partition, offset).
            List<TopicPartition> outParts = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                outParts.add(new TopicPartition(output, p));
            }
            long outCount = reader.endOffsets(outParts).values().stream().mapToLong(Long::longValue).sum();
            reader.assign(outParts);
            reader.seekToBeginning(outParts);
            List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got.size() < outCount && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertEquals(outCount, got.size(), "output records read");
            Map<TopicPartition, Map<Long, Integer>> seen = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : got) {
                assertEquals(input, FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_TOPIC));
                int partition = Integer.parseInt(FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_PARTITION));
                long offset = Long.parseLong(FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET));
                seen.computeIfAbsent(new TopicPartition(input, partition), p -> new HashMap<>()).merge(offset, 1, Integer::sum);
            }
            int duplicates = 0;
            for (TopicPartition tp : inParts) {
                Map<Long, Integer> counts = seen.getOrDefault(tp, Map.of());
                long crashOffset = atCrash.getOrDefault(tp, 0L);
                for (long offset = 0; offset < end.get(tp); offset++) {
                    Integer count = counts.get(offset);
                    assertNotNull(count, "no result for input " + tp + "@" + offset);
                    if (count > 1) {
                        duplicates += count - 1;
                        assertTrue(offset >= crashOffset, "input " + tp + "@" + offset + " has " + count
                                + " results but was committed (" + crashOffset + ") before the stop");
                    }
                }
                assertEquals(end.get(tp).intValue(), counts.size(), "distinct inputs with results in " + tp);
            }
            System.out.printf("restart: first run produced %d, committed at stop %s, %d duplicate results, %d ms%n",
                    producedFirst, atCrash, duplicates,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    private static Consumer.DrainingControl<Done> run(ActorSystem system, String bootstrap, String input,
            String output, String group, FrameFlowSettings settings,
            Function<FrameEnvelope.Decoded, List<ResultRecord>> results) {
        return FrameFlows.pipeline(
                FrameFlows.consumerSettings(system).withBootstrapServers(bootstrap).withGroupId(group),
                input, settings, "echo-1", results,
                FrameFlows.producerSettings(system).withBootstrapServers(bootstrap),
                CommitterSettings.create(system).withMaxBatch(10).withMaxInterval(Duration.ofMillis(100)))
                .run(system);
    }

    private static List<ResultRecord> result(String output, FrameEnvelope.Decoded d) {
        return List.of(ResultRecord.of(output, d.key(),
                Long.toString(d.frame().sequence()).getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
