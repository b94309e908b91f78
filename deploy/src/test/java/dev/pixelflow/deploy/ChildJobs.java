package dev.pixelflow.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameHeaders;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.deploy.cluster.LocalCluster;
import dev.pixelflow.streams.data.MixedFrames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the tests that run {@code pixelflow run} in child JVMs share: the mixed input they produce, the results
 * they read back per source offset, committed offsets, child logs.
 */
final class ChildJobs {
    private ChildJobs() {
    }

    /** What a produced frame was. */
    enum Sent { SEG_LABELLED, ID_LABELLED, UNLABELLED }

    /** Results seen so far per source {@code partition@offset}, counting repeats. */
    static final class Outputs {
        final Map<String, Integer> masks = new HashMap<>();
        final Map<String, Integer> embeddings = new HashMap<>();
        int maskRecords;
        int embeddingRecords;
        private final String masksTopic;

        Outputs(String masksTopic) {
            this.masksTopic = masksTopic;
        }

        void poll(KafkaConsumer<String, byte[]> reader) {
            for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                String src = FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_PARTITION) + "@"
                        + FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET);
                if (r.topic().equals(masksTopic)) {
                    masks.merge(src, 1, Integer::sum);
                    maskRecords++;
                } else {
                    embeddings.merge(src, 1, Integer::sum);
                    embeddingRecords++;
                }
            }
        }
    }

    /** Labelled segmentation and identity frames in turn, every 10th frame unlabelled (of either kind). */
    static void produce(KafkaProducer<String, byte[]> p, MixedFrames gen, String topic, int count, long[] seq,
                                Map<String, Sent> sent) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>(count);
        List<Sent> plan = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long s = seq[0]++;
            Sent kind = s % 10 == 9 ? Sent.UNLABELLED : s % 2 == 0 ? Sent.SEG_LABELLED : Sent.ID_LABELLED;
            byte[] value = FrameCodec.encode(switch (kind) {
                case SEG_LABELLED -> gen.next(MixedFrames.Kind.SEGMENTATION_LABELLED, s);
                case ID_LABELLED -> gen.next(MixedFrames.Kind.IDENTITY_LABELLED, s);
                case UNLABELLED -> gen.next(s % 20 == 9 ? MixedFrames.Kind.SEGMENTATION_UNLABELLED
                        : MixedFrames.Kind.IDENTITY_UNLABELLED, s);
            });
            plan.add(kind);
            acks.add(p.send(new ProducerRecord<>(topic, "camera-" + (s % 5), value)));
        }
        for (int i = 0; i < count; i++) {
            RecordMetadata md = acks.get(i).get(30, TimeUnit.SECONDS);
            sent.put(md.partition() + "@" + md.offset(), plan.get(i));
        }
    }

    /**
     * One last unlabelled frame per partition, served only once the job has consumed everything before it, so
     * that waiting for the results of every unlabelled frame covers the whole input; returns the source
     * {@code partition@offset} of every unlabelled frame sent.
     */
    static Set<String> finishInput(KafkaProducer<String, byte[]> producer, MixedFrames gen, String input,
                                   int partitions, long[] seq, Map<String, Sent> sent) throws Exception {
        for (int p = 0; p < partitions; p++) {
            long s = seq[0]++;
            RecordMetadata md = producer.send(new ProducerRecord<>(input, p, "camera-last", FrameCodec.encode(
                    gen.next(MixedFrames.Kind.SEGMENTATION_UNLABELLED, s)))).get(30, TimeUnit.SECONDS);
            sent.put(md.partition() + "@" + md.offset(), Sent.UNLABELLED);
        }
        Set<String> unlabelled = new HashSet<>();
        sent.forEach((k, v) -> {
            if (v == Sent.UNLABELLED) {
                unlabelled.add(k);
            }
        });
        return unlabelled;
    }

    /** Starts {@code pixelflow run --config config} in a child JVM (as a cluster node would be), output to log. */
    static Process startChild(Path config, Path log) throws IOException {
        return LocalCluster.nodeCommand(config).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Polls {@code done} until it holds; fails early, with the log tail, when the child exits. */
    static void awaitOrFail(String what, Duration timeout, Process child, Path log, BooleanSupplier done)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (!child.isAlive()) {
                fail("waiting for " + what + ": the child exited with " + child.exitValue() + "\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                fail("waiting for " + what + ": not within " + timeout + "\n" + tail(log));
            }
        }
    }

    static Map<TopicPartition, Long> committed(LocalKafkaBroker broker, String group, String topic)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> c = broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        c.forEach((tp, om) -> {
            if (tp.topic().equals(topic) && om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    static KafkaConsumer<String, byte[]> reader(String bootstrap, List<String> topics, int partitions) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            for (int p = 0; p < partitions; p++) {
                parts.add(new TopicPartition(t, p));
            }
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    static String tail(Path log) {
        String[] lines = read(log).split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }
}
