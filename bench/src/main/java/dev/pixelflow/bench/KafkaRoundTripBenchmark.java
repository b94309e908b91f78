package dev.pixelflow.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.pixelflow.connectors.DType;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.FrameFlowSettings;
import dev.pixelflow.connectors.FrameFlows;
import dev.pixelflow.connectors.FrameLimits;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.connectors.MaskEncoding;
import dev.pixelflow.connectors.ResultRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kafka round trips through the local broker (a real Kafka 4.4 in its own JVM, on the same 2 cores) of
 * {@value #FRAMES} frames of 128x128x3 u8 with a 128x128 mask (v1, 65.6 kB each) per operation:
 * <ul>
 *   <li>{@code clients}: a KafkaProducer sends the frames, a KafkaConsumer reads them back and decodes each
 *       (limits, lengths, CRC32C) — the transport and codec alone;</li>
 *   <li>{@code pipeline}: the frames are sent to an input topic, {@link FrameFlows#pipeline} (committable
 *       source, decode, one 128x128 mask result per frame, {@code Producer.flexiFlow}, {@code Committer.sink})
 *       runs continuously, and the operation ends when every result has been read from the output topic —
 *       what pixelflow's streaming job pays per frame before any model work.</li>
 * </ul>
 * Frames/s = {@value #FRAMES} / (seconds per op); MB/s from the encoded frame size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
public class KafkaRoundTripBenchmark {
    static final int FRAMES = 500;
    private static final int SIZE = 128;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private LocalKafkaBroker broker;
    private byte[] value;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> echoReader;
    private KafkaConsumer<String, byte[]> resultReader;
    private ActorSystem system;
    private Consumer.DrainingControl<Done> pipeline;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() {
        broker = LocalKafkaBroker.start();
        broker.createTopic("echo", 1);
        broker.createTopic("frames", 1);
        broker.createTopic("frames.dlq", 1);
        broker.createTopic("masks", 1);
        SplittableRandom r = new SplittableRandom(5);
        byte[] payload = new byte[3 * SIZE * SIZE];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ((i % SIZE) * 2 + r.nextInt(16)); // smooth content with noise
        }
        byte[] mask = new byte[SIZE * SIZE];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) (r.nextDouble() < 0.05 ? 1 : 0);
        }
        value = FrameCodec.encode(new Frame(DType.U8, 3, SIZE, SIZE, 0, 1_764_460_800_000L, null, mask, payload));
        String bootstrap = broker.bootstrapServers();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20), new StringSerializer(), new ByteArraySerializer());
        echoReader = reader(bootstrap, "echo");
        resultReader = reader(bootstrap, "masks");

        Config config = ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pekko.kafka.consumer.kafka-clients.auto.offset.reset = earliest
                """).withFallback(ConfigFactory.load());
        system = ActorSystem.create("kafka-round-trip", config);
        pipeline = FrameFlows.pipeline(
                FrameFlows.consumerSettings(system).withBootstrapServers(bootstrap).withGroupId("bench"),
                "frames", FrameFlowSettings.fromConfig(config), "bench-1",
                d -> List.of(ResultRecord.of("masks", d.key(),
                        MaskEncoding.RAW.encode(d.frame().mask(), d.frame().height(), d.frame().width()))),
                FrameFlows.producerSettings(system).withBootstrapServers(bootstrap),
                CommitterSettings.create(system)).run(system);
    }

    private static KafkaConsumer<String, byte[]> reader(String bootstrap, String topic) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20),
                new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition p = new TopicPartition(topic, 0);
        c.assign(List.of(p));
        c.seekToEnd(List.of(p));
        c.position(p);
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        pipeline.drainAndShutdown(system.dispatcher()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        producer.close();
        echoReader.close();
        resultReader.close();
        broker.close();
    }

    private void send(String topic) {
        for (int i = 0; i < FRAMES; i++) {
            producer.send(new ProducerRecord<>(topic, "camera-" + (sequence++ % 8), value));
        }
        producer.flush();
    }

    /** Reads {@value #FRAMES} records; returns the sum of their value lengths (checked by the caller). */
    private static long readAll(KafkaConsumer<String, byte[]> reader, boolean decode) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int got = 0;
        long bytes = 0;
        while (got < FRAMES) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + got + " of " + FRAMES + " records arrived in " + TIMEOUT);
            }
            for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(100))) {
                bytes += decode ? FrameCodec.decode(r.value(), FrameLimits.DEFAULT).payload().length : r.value().length;
                got++;
            }
        }
        return bytes;
    }

    @Benchmark
    public long clients() {
        send("echo");
        long bytes = readAll(echoReader, true);
        if (bytes != (long) FRAMES * 3 * SIZE * SIZE) {
            throw new IllegalStateException("decoded " + bytes + " payload bytes");
        }
        return bytes;
    }

    @Benchmark
    public long pipeline() {
        send("frames");
        long bytes = readAll(resultReader, false);
        if (bytes != (long) FRAMES * SIZE * SIZE) {
            throw new IllegalStateException("read " + bytes + " mask bytes");
        }
        return bytes;
    }
}
