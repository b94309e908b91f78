package dev.pixelflow.deploy;

import static dev.pixelflow.deploy.ChildJobs.finishInput;
import static dev.pixelflow.deploy.ChildJobs.produce;
import static dev.pixelflow.deploy.ChildJobs.read;
import static dev.pixelflow.deploy.ChildJobs.reader;
import static dev.pixelflow.deploy.ChildJobs.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.deploy.ChildJobs.Outputs;
import dev.pixelflow.deploy.ChildJobs.Sent;
import dev.pixelflow.deploy.cluster.LocalCluster;
import dev.pixelflow.streams.data.MixedFrames;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code pixelflow run} nodes in separate JVMs form a Pekko cluster against a real broker, share the input
 * partitions through one consumer group and train replicas of both models averaged by sharded coordinators. The
 * node that hosts the segmentation coordinator is killed with SIGKILL mid-stream; the survivors must take its
 * partitions and its model shard (the coordinator restarts on a survivor from the shared store), serve every
 * unlabelled frame (at-least-once), keep averaging new versions, and report a stable two-node cluster within
 * 30 s of the kill. Progress and timings go to stdout.
 */
class ClusterTest {
    private static final int NODES = 3;
    private static final int PARTITIONS = 6;
    private static final String SEG_COORDINATOR = "model default-segmentation: coordinator started on this node";

    @Test
    void threeNodesShareTheWorkAndSurviveTheLossOfOne(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        String id = Long.toString(System.nanoTime(), 36);
        String input = "cluster-frames-" + id;
        String masks = "cluster-masks-" + id;
        String embeddings = "cluster-embeddings-" + id;
        String metricsTopic = "cluster-metrics-" + id;
        Process[] nodes = new Process[NODES];
        Path[] logs = new Path[NODES];
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            String bs = broker.bootstrapServers();
            for (String t : List.of(input, masks, embeddings)) {
                broker.createTopic(t, PARTITIONS);
            }
            broker.createTopic(metricsTopic, 1);
            int[] ports = freePorts(NODES);
            Path config = tmp.resolve("node.conf");
            Files.writeString(config, """
                    kafka-bootstrap = "%s"
                    pekko.kafka.committer.max-interval = 1s
                    pixelflow.pipeline {
                      input-topic = "%s"
                      masks-topic = "%s"
                      embeddings-topic = "%s"
                      metrics-topic = "%s"
                      group-id = "cluster-%s"
                      frame { channels = 1, height = 32, width = 32 }
                      metrics-window = 1s
                      checkpoint { every-steps = 20, every = 3s }
                    }
                    pixelflow.cluster {
                      enabled = on
                      seed-nodes = "pekko://pixelflow@127.0.0.1:%d,pekko://pixelflow@127.0.0.1:%d"
                      model-store-dir = "%s"
                      sync-every-steps = 4
                      round-timeout = 2s
                      reply-timeout = 10s
                    }
                    """.formatted(bs, input, masks, embeddings, metricsTopic, id, ports[0], ports[1],
                    tmp.resolve("models").toString().replace("\\", "\\\\")));

            Map<String, Sent> sent = new HashMap<>();
            Outputs out = new Outputs(masks);
            Metrics metrics = new Metrics();
            try (MixedFrames gen = new MixedFrames(32, 6, 5);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs), new StringSerializer(), new ByteArraySerializer());
                 KafkaConsumer<String, byte[]> results = reader(bs, List.of(masks, embeddings), PARTITIONS);
                 KafkaConsumer<String, byte[]> metricsReader = reader(bs, List.of(metricsTopic), 1)) {
                long[] seq = {0};
                Runnable poll = () -> {
                    out.poll(results);
                    metrics.poll(metricsReader);
                };
                produce(producer, gen, input, 900, seq, sent);
                for (int i = 0; i < NODES; i++) {
                    logs[i] = tmp.resolve("node-" + i + ".log");
                    ProcessBuilder pb = LocalCluster.nodeCommand(config);
                    pb.environment().put("PIXELFLOW_CLUSTER_PORT", Integer.toString(ports[i]));
                    pb.environment().put("PIXELFLOW_CHECKPOINT_DIR", tmp.resolve("node-" + i).toString());
                    nodes[i] = pb.redirectErrorStream(true).redirectOutput(logs[i].toFile()).start();
                }
                at(t0, "broker up, 900 frames produced, 3 nodes started");

                // 1. The cluster forms, every node consumes (so partitions are spread), models are averaged.
                await("3 nodes up, each consuming frames, an averaged segmentation version, the coordinator placed",
                        Duration.ofSeconds(150), nodes, logs, () -> {
                            poll.run();
                            return metrics.nodes().size() == NODES
                                    && metrics.nodes().stream().allMatch(n -> metrics.last(n, "cluster.members-up") == NODES
                                    && metrics.last(n, "total.frames.in") > 0)
                                    && metrics.max("segmentation.averaged-version") >= 1
                                    && coordinatorNode(logs) >= 0;
                        });
                int victim = coordinatorNode(logs);
                at(t0, "cluster formed; the segmentation coordinator is on node " + victim);
                produce(producer, gen, input, 600, seq, sent);
                long mid = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < mid) {
                    poll.run();
                }
                double versionAtKill = metrics.max("segmentation.averaged-version");
                nodes[victim].destroyForcibly();
                assertTrue(nodes[victim].waitFor(30, TimeUnit.SECONDS), "node did not die on SIGKILL");
                long killed = System.nanoTime();
                at(t0, "node " + victim + " killed at averaged segmentation version " + versionAtKill);
                Process[] survivors = new Process[NODES - 1];
                Path[] survivorLogs = new Path[NODES - 1];
                for (int i = 0, j = 0; i < NODES; i++) {
                    if (i != victim) {
                        survivors[j] = nodes[i];
                        survivorLogs[j++] = logs[i];
                    }
                }
                String victimNode = "pixelflow@127.0.0.1:" + ports[victim];
                metrics.forget(victimNode);

                // 2. Stable again: both survivors see exactly two members up and nobody unreachable.
                await("2 members up and none unreachable on both survivors", Duration.ofSeconds(60), survivors,
                        survivorLogs, () -> {
                            poll.run();
                            List<String> live = metrics.nodes();
                            return live.size() == NODES - 1 && live.stream().allMatch(n ->
                                    metrics.lastSince(n, "cluster.members-up", killed) == NODES - 1
                                            && metrics.lastSince(n, "cluster.unreachable", killed) == 0);
                        });
                double stableSeconds = (System.nanoTime() - killed) / 1e9;
                at(t0, String.format("stable two-node cluster %.1f s after the kill", stableSeconds));
                assertTrue(stableSeconds <= 30, "the cluster took " + stableSeconds + " s to be stable again");

                // 3. More input, one last unlabelled frame per partition; everything unlabelled gets served.
                produce(producer, gen, input, 400, seq, sent);
                Set<String> unlabelled = finishInput(producer, gen, input, PARTITIONS, seq, sent);
                await("a mask and an embedding for each of " + unlabelled.size() + " unlabelled frames",
                        Duration.ofSeconds(120), survivors, survivorLogs, () -> {
                            poll.run();
                            return out.masks.keySet().containsAll(unlabelled)
                                    && out.embeddings.keySet().containsAll(unlabelled);
                        });
                at(t0, "every unlabelled frame served");

                // 4. The model shard moved to a survivor (its first message after the dead node is removed starts
                // it there, from the store) and averaging went on past the version at the kill. That first message
                // is a contribution, which needs training steps: the stream keeps flowing meanwhile, as a live one
                // does (fast nodes can have trained on everything sent so far).
                long[] nextTrickle = {0};
                await("the segmentation coordinator restarted on a survivor and a new averaged version",
                        Duration.ofSeconds(90), survivors, survivorLogs, () -> {
                            poll.run();
                            if (System.nanoTime() >= nextTrickle[0]) {
                                try {
                                    produce(producer, gen, input, 40, seq, sent);
                                } catch (Exception e) {
                                    throw new IllegalStateException("producing more frames failed", e);
                                }
                                nextTrickle[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                            }
                            boolean moved = false;
                            for (Path log : survivorLogs) {
                                moved |= read(log).contains(SEG_COORDINATOR);
                            }
                            return moved && metrics.max("segmentation.averaged-version") > versionAtKill;
                        });
                at(t0, "coordinator moved, averaged version " + metrics.max("segmentation.averaged-version"));
                String where = "\n--- survivor log tail ---\n" + tail(survivorLogs[0]);
                for (var e : Map.of("masks", out.masks, "embeddings", out.embeddings).entrySet()) {
                    for (String src : e.getValue().keySet()) {
                        assertEquals(Sent.UNLABELLED, sent.get(src), e.getKey() + " record for " + src + where);
                    }
                }
                double early = metrics.meanOfFirst("segmentation.loss", 5);
                double late = metrics.meanOfLast("segmentation.loss", 5);
                System.out.printf("cluster: %d frames (%d unlabelled), %d mask + %d embedding records; segmentation"
                                + " loss first windows %.4f, last windows %.4f; averaged version at kill %.0f, final"
                                + " %.0f; stable %.1f s after the kill; %.1f s in all%n", sent.size(), unlabelled.size(),
                        out.maskRecords, out.embeddingRecords, early, late, versionAtKill,
                        metrics.max("segmentation.averaged-version"), stableSeconds, (System.nanoTime() - t0) / 1e9);
                assertTrue(late < early, "segmentation loss went down: first windows " + early + ", last " + late);
            }
        } finally {
            for (Process p : nodes) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
            Path keep = Files.createDirectories(Path.of("target", "cluster-test"));
            for (Path log : logs) {
                if (log != null && Files.exists(log)) {
                    Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The node whose log says it hosts the segmentation coordinator, or -1. */
    private static int coordinatorNode(Path[] logs) {
        for (int i = 0; i < logs.length; i++) {
            if (read(logs[i]).contains(SEG_COORDINATOR)) {
                return i;
            }
        }
        return -1;
    }

    private static void await(String what, Duration timeout, Process[] nodes, Path[] logs, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            for (int i = 0; i < nodes.length; i++) {
                if (!nodes[i].isAlive()) {
                    fail("waiting for " + what + ": a node exited with " + nodes[i].exitValue() + "\n"
                            + tail(logs[i]));
                }
            }
            if (System.nanoTime() > deadline) {
                StringBuilder b = new StringBuilder();
                for (Path log : logs) {
                    b.append("\n--- ").append(log.getFileName()).append(" ---\n").append(tail(log));
                }
                fail("waiting for " + what + ": not within " + timeout + b);
            }
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
        return ports;
    }

    private static void at(long t0, String what) {
        System.out.printf("cluster: %5.1f s %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    /** The metrics windows of every node, read from the metrics topic. */
    private static final class Metrics {
        private record Window(long receivedNanos, Map<String, Object> values) {
        }

        private final ObjectMapper json = new ObjectMapper();
        private final Map<String, List<Window>> byNode = new HashMap<>();
        private final List<Window> all = new ArrayList<>();
        private final Set<String> forgotten = new HashSet<>();

        void poll(KafkaConsumer<String, byte[]> reader) {
            for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(100))) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> w = json.readValue(r.value(), Map.class);
                    Window win = new Window(System.nanoTime(), w);
                    byNode.computeIfAbsent(String.valueOf(w.get("cluster.node")), k -> new ArrayList<>()).add(win);
                    all.add(win);
                } catch (IOException e) {
                    throw new IllegalStateException("unreadable metrics record", e);
                }
            }
        }

        List<String> nodes() {
            List<String> n = new ArrayList<>(byNode.keySet());
            n.removeAll(forgotten);
            return n;
        }

        void forget(String node) {
            forgotten.add(node);
        }

        double last(String node, String key) {
            return lastSince(node, key, 0);
        }

        double lastSince(String node, String key, long sinceNanos) {
            List<Window> ws = byNode.getOrDefault(node, List.of());
            for (int i = ws.size() - 1; i >= 0 && ws.get(i).receivedNanos() >= sinceNanos; i--) {
                if (ws.get(i).values().get(key) instanceof Number n) {
                    return n.doubleValue();
                }
            }
            return Double.NaN;
        }

        double max(String key) {
            double m = 0;
            for (Window w : all) {
                if (w.values().get(key) instanceof Number n) {
                    m = Math.max(m, n.doubleValue());
                }
            }
            return m;
        }

        double meanOfFirst(String key, int count) {
            return mean(values(key).subList(0, Math.min(count, values(key).size())));
        }

        double meanOfLast(String key, int count) {
            List<Double> v = values(key);
            return mean(v.subList(Math.max(0, v.size() - count), v.size()));
        }

        private List<Double> values(String key) {
            List<Double> v = new ArrayList<>();
            for (Window w : all) {
                if (w.values().get(key) instanceof Number n && Double.isFinite(n.doubleValue())) {
                    v.add(n.doubleValue());
                }
            }
            return v;
        }

        private static double mean(List<Double> v) {
            return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }
}
