package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.connectors.internal.broker.BrokerClasspath;
import dev.pixelflow.connectors.internal.broker.BrokerFiles;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/** Starts real Kafka brokers (separate JVMs) and talks to them with the application's kafka-clients. */
class LocalKafkaBrokerTest {

    @Test
    void producesConsumesAndStopsCleanly() throws Exception {
        Path dir;
        int port;
        int controllerPort;
        long pid;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            System.out.printf("local Kafka broker ready in %d ms at %s%n", broker.startupTime().toMillis(),
                    broker.bootstrapServers());
            dir = broker.dataDir();
            port = broker.port();
            controllerPort = broker.controllerPort();
            pid = broker.pid();
            assertTrue(broker.isRunning());
            assertTrue(Files.size(broker.logFile()) > 0, "broker log " + broker.logFile() + " is empty");
            String log = Files.readString(broker.logFile());
            assertTrue(log.contains("Formatting metadata directory") && log.contains("KafkaConfig values"),
                    "the log holds the storage formatting and the broker's start");

            broker.createTopic("frames", 3);
            assertTrue(broker.topics().contains("frames"));
            Map<Integer, List<Integer>> sent = produce(broker.bootstrapServers(), "frames", 100, 3);
            Map<Integer, List<Integer>> got = consume(broker.bootstrapServers(), "frames", 3, 100);
            assertEquals(sent, got, "records per partition, in order");
            assertEquals(100, got.values().stream().mapToInt(List::size).sum());

            // Topics are not created by a mistyped name.
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> broker.createTopic("x", 0));
            assertTrue(bad.getMessage().contains("partition"), bad.getMessage());
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker process is gone");
        assertFalse(Files.exists(dir), "temporary data directory deleted");
        assertTrue(BrokerFiles.isFree(port), "client port " + port + " is free again");
        assertTrue(BrokerFiles.isFree(controllerPort), "controller port " + controllerPort + " is free again");
    }

    @Test
    void theBrokerStopsWhenTheProcessThatStartedItIsKilled(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        String brokerClasspath = System.getProperty(BrokerClasspath.PROPERTY);
        if (brokerClasspath != null) {
            cmd.add("-D" + BrokerClasspath.PROPERTY + "=" + brokerClasspath);
        }
        cmd.addAll(List.of(LocalKafkaBrokerMain.class.getName(), "--dir", dir.toString()));
        Process parent = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("parent.log").toFile()).start();
        try {
            ProcessHandle broker = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (broker == null || !Files.readString(dir.resolve("parent.log")).contains("bootstrap.servers")) {
                assertTrue(parent.isAlive(), () -> "the parent JVM exited: " + read(dir.resolve("parent.log")));
                assertTrue(System.nanoTime() < deadline, () -> "no broker in time: " + read(dir.resolve("parent.log"))
                        + "\n--- broker log:\n" + BrokerFiles.tail(dir.resolve(LocalKafkaBroker.LOG_FILE), 3000));
                // Once ready, the broker is the parent's only child (the storage formatter has ended).
                List<ProcessHandle> children = parent.children().filter(ProcessHandle::isAlive).toList();
                broker = children.size() == 1 ? children.getFirst() : null;
                Thread.sleep(100);
            }
            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            assertTrue(parent.waitFor(30, TimeUnit.SECONDS));
            broker.onExit().completeOnTimeout(broker, 60, TimeUnit.SECONDS).get();
            assertFalse(broker.isAlive(), "the orphaned broker " + broker.pid() + " stopped");
            String log = Files.readString(dir.resolve(LocalKafkaBroker.LOG_FILE));
            assertTrue(log.contains("the process that started this broker has ended"), log);
        } finally {
            parent.destroyForcibly();
            parent.children().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    @Test
    void sharedBrokerServesUniqueTopics() throws Exception {
        String a = SharedKafkaBroker.createUniqueTopic("shared test", 1);
        String b = SharedKafkaBroker.createUniqueTopic("shared test", 2);
        assertFalse(a.equals(b));
        assertTrue(a.matches("[a-z0-9._-]+"), a);
        produce(SharedKafkaBroker.bootstrapServers(), b, 10, 2);
        Map<Integer, List<Integer>> got = consume(SharedKafkaBroker.bootstrapServers(), b, 2, 10);
        assertEquals(List.of(0, 2, 4, 6, 8), got.get(0));
        assertEquals(List.of(1, 3, 5, 7, 9), got.get(1));
        assertTrue(SharedKafkaBroker.get() == SharedKafkaBroker.get());
    }

    @Test
    void aTakenPortIsReportedBeforeStarting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> LocalKafkaBroker.start(LocalKafkaBroker.Settings.defaults().withPort(port)));
            assertTrue(e.getMessage().contains("port " + port) && e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void aBrokerThatCannotStartFailsWithItsLogErrors() {
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalKafkaBroker.start(
                LocalKafkaBroker.Settings.defaults().withBrokerProperty("node.id", "not-a-number")));
        System.out.printf("a broker with a bad setting was reported after %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertTrue(e.getMessage().contains("formatting the Kafka storage failed"), e.getMessage());
        assertTrue(e.getMessage().contains("errors in") && e.getMessage().contains("Invalid value not-a-number"), e.getMessage());
    }

    @Test
    void recordsOfSixteenMebibytesPass() throws Exception {
        String topic = SharedKafkaBroker.createUniqueTopic("large", 1);
        byte[] big = new byte[12 << 20];
        big[0] = 1;
        big[big.length - 1] = 2;
        Map<String, Object> pc = new HashMap<>();
        pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers());
        pc.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pc, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, big)).get(60, TimeUnit.SECONDS);
        }
        Map<String, Object> cc = new HashMap<>();
        cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafkaBroker.bootstrapServers());
        cc.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        cc.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 << 20);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cc, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<byte[]> got = new ArrayList<>();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(r -> got.add(r.value()));
            }
            assertEquals(1, got.size());
            assertTrue(java.util.Arrays.equals(big, got.getFirst()), "the 12 MiB record comes back intact");
        }
    }

    @Test
    void brokerJarsStayOffTheApplicationClasspath() {
        // The broker is Kafka 4.x in its own JVM; the application and its tests keep kafka-clients 3.9
        // (Scala itself is on the classpath anyway: Pekko is written in it).
        assertTrue(AppInfoParser.getVersion().startsWith("3."), "kafka-clients " + AppInfoParser.getVersion());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("kafka.Kafka"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.kafka.raft.KafkaRaftClient"));
    }

    @Test
    void settingsAreValidated() {
        LocalKafkaBroker.Settings d = LocalKafkaBroker.Settings.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withPort(-1));
        assertThrows(IllegalArgumentException.class, () -> d.withPort(70000));
        assertThrows(IllegalArgumentException.class, () -> d.withStartTimeout(Duration.ZERO));
        assertEquals("true", d.withBrokerProperty("auto.create.topics.enable", "true")
                .brokerProperties().get("auto.create.topics.enable"));
    }

    @Test
    void serverPropertiesAreSingleNodeKraftOnLoopback() {
        Map<String, String> p = LocalKafkaBroker.serverProperties(Path.of("/tmp/x/data"), 9092, 9093);
        assertEquals("broker,controller", p.get("process.roles"));
        assertEquals("1@127.0.0.1:9093", p.get("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", p.get("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:9092", p.get("advertised.listeners"));
        assertEquals("false", p.get("auto.create.topics.enable"));
        assertEquals(String.valueOf(16 << 20), p.get("message.max.bytes"));
    }

    /** Sends {@code n} records, record i to partition i % partitions; returns the values per partition. */
    static Map<Integer, List<Integer>> produce(String bootstrap, String topic, int n, int partitions)
            throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<Integer, List<Integer>> sent = new HashMap<>();
        try (KafkaProducer<String, Integer> p = new KafkaProducer<>(c, new StringSerializer(), new IntegerSerializer())) {
            for (int i = 0; i < n; i++) {
                int part = i % partitions;
                p.send(new ProducerRecord<>(topic, part, "k" + i, i));
                sent.computeIfAbsent(part, k -> new ArrayList<>()).add(i);
            }
            p.flush();
        }
        return sent;
    }

    /** Reads {@code n} records from the start of all partitions (assigned, no group). */
    static Map<Integer, List<Integer>> consume(String bootstrap, String topic, int partitions, int n) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<Integer, List<Integer>> got = new HashMap<>();
        try (KafkaConsumer<String, Integer> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new IntegerDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int count = 0;
            while (count < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Integer> r : consumer.poll(Duration.ofMillis(500))) {
                    assertEquals("k" + r.value(), r.key());
                    got.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.value());
                    count++;
                }
            }
        }
        return got;
    }
}
