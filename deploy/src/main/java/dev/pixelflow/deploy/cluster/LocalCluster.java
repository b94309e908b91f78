package dev.pixelflow.deploy.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.deploy.demo.KafkaDemo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./pixelflow cluster --nodes N}: a cluster of N separate node JVMs on loopback ports against a local
 * Kafka broker, for development. Starts the broker, a topic with two partitions per node, a frame generator, and
 * the nodes ({@code pixelflow run} with {@code PIXELFLOW_CLUSTER=on}, Artery ports {@code base-port + i}, the
 * first two as seed nodes, each with its own checkpoint folder, one shared folder of averaged models). A node
 * that exits is started again. Prints one line per node and metrics window; after the given time, stops the
 * nodes with SIGTERM (they drain, commit and checkpoint) and the broker. With {@code --pin}, node {@code i} runs
 * under {@code taskset -c <i mod cores>} (the broker and the generator stay unpinned).
 */
public final class LocalCluster {

    /**
     * Cluster settings: node count, run time, generator rate and frame size, working folder, first port, and
     * whether each node is pinned to one core.
     */
    public record Settings(int nodes, Duration duration, int rate, int size, Path dir, int basePort, boolean pin) {
        public Settings {
            if (nodes < 1 || nodes > 16) {
                throw new IllegalArgumentException("--nodes must be 1..16, got " + nodes);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--seconds must be >= 1, got " + duration.toSeconds());
            }
            KafkaDemo.checkGenerator(rate, size);
            if (basePort < 1024 || basePort + nodes > 65535) {
                throw new IllegalArgumentException("--port must leave room for " + nodes + " ports in 1024..65535,"
                        + " got " + basePort);
            }
        }

        public static Settings defaults() {
            return new Settings(3, Duration.ofSeconds(120), 150, 32, Path.of("cluster"), 7355, false);
        }
    }

    private LocalCluster() {
    }

    public static void run(Settings s, PrintStream out) throws IOException, InterruptedException {
        if (s.pin()) {
            requireTaskset(System.getenv("PATH"));
        }
        Files.createDirectories(s.dir());
        out.printf("pixelflow cluster: %d nodes on 127.0.0.1:%d..%d, working folder %s%n", s.nodes(), s.basePort(),
                s.basePort() + s.nodes() - 1, s.dir().toAbsolutePath());
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            out.printf(Locale.ROOT, "  broker ready in %.1f s at %s%n", broker.startupTime().toMillis() / 1e3,
                    broker.bootstrapServers());
            broker.createTopic("frames", 2 * s.nodes());
            Path config = writeConfig(s, broker.bootstrapServers());
            AtomicBoolean generating = new AtomicBoolean(true);
            AtomicLong produced = new AtomicLong();
            Thread generator = Thread.ofPlatform().name("pixelflow-cluster-generator").daemon().start(
                    () -> KafkaDemo.generate(broker.bootstrapServers(), "frames", s.rate(), s.size(), 42, generating,
                            produced));
            List<NodeProcess> nodes = new ArrayList<>();
            for (int i = 0; i < s.nodes(); i++) {
                int cpu = s.pin() ? cpuFor(i, Runtime.getRuntime().availableProcessors()) : -1;
                nodes.add(new NodeProcess(i, s.basePort() + i, cpu, config, s.dir()));
                nodes.get(i).start();
                out.printf("  node %d started (pid %d%s, log %s)%n", i, nodes.get(i).pid(),
                        cpu >= 0 ? ", core " + cpu : "", nodes.get(i).log());
            }
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofPlatform().name("pixelflow-cluster-metrics").daemon().start(
                    () -> printMetrics(broker.bootstrapServers(), out, watching));
            long end = System.nanoTime() + s.duration().toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                for (NodeProcess n : nodes) {
                    if (!n.alive()) {
                        out.printf("  node %d exited with code %d; starting it again%n", n.index(), n.exitCode());
                        n.start();
                    }
                }
            }
            generating.set(false);
            generator.join(10_000);
            out.println("  stopping the nodes (SIGTERM: drain, commit, checkpoint) ...");
            for (NodeProcess n : nodes) {
                n.terminate();
            }
            for (NodeProcess n : nodes) {
                int code = n.awaitExit(Duration.ofSeconds(90));
                out.printf("  node %d stopped (exit %d)%n", n.index(), code);
            }
            watching.set(false);
            watcher.join(5_000);
            out.printf("result: %d frames produced; node logs, checkpoints and averaged models in %s%n",
                    produced.get(), s.dir().toAbsolutePath());
        }
    }

    private static Path writeConfig(Settings s, String bootstrap) throws IOException {
        return writeConfig(s.dir(), s.nodes(), s.basePort(), s.size(), bootstrap);
    }

    /**
     * Writes {@code dir/cluster-node.conf}: the input topic {@code frames}, group {@code pixelflow-cluster}, frames
     * of 1 x size x size, 2 s metrics windows, the first two nodes as seeds, models stored in {@code dir/models}.
     */
    static Path writeConfig(Path dir, int nodes, int basePort, int size, String bootstrap) throws IOException {
        StringBuilder seeds = new StringBuilder();
        for (int i = 0; i < Math.min(2, nodes); i++) {
            seeds.append(i == 0 ? "" : ",").append("pekko://pixelflow@127.0.0.1:").append(basePort + i);
        }
        Path config = dir.resolve("cluster-node.conf");
        Files.writeString(config, """
                kafka-bootstrap = "%s"
                pixelflow.pipeline {
                  input-topic = frames
                  group-id = pixelflow-cluster
                  frame { channels = 1, height = %d, width = %d }
                  metrics-window = 2s
                }
                pixelflow.cluster {
                  enabled = on
                  seed-nodes = "%s"
                  model-store-dir = "%s"
                }
                """.formatted(bootstrap, size, size, seeds,
                dir.toAbsolutePath().resolve("models").toString().replace("\\", "\\\\")));
        return config;
    }

    /** Prints one line per node metrics window read from the metrics topic. */
    private static void printMetrics(String bootstrap, PrintStream out, AtomicBoolean watching) {
        watchMetrics(bootstrap, "pixelflow-cluster-watch-", "latest", watching, w -> out.println(line(w)),
                e -> out.println("  (unreadable metrics record: " + e.getMessage() + ")"),
                e -> out.println("  metrics watcher stopped: " + e.getMessage()));
    }

    /**
     * Reads the nodes' metrics windows (JSON records of the {@code metrics} topic) with a consumer group of its
     * own, from {@code offsetReset} ("earliest" or "latest"), until {@code watching} turns false: each window goes
     * to {@code onWindow}, an unreadable record to {@code onUnreadable}; a client failure while still watching
     * (the broker going away) ends the loop through {@code onStopped}.
     */
    static void watchMetrics(String bootstrap, String groupPrefix, String offsetReset, AtomicBoolean watching,
                             Consumer<Map<String, Object>> onWindow, Consumer<IOException> onUnreadable,
                             Consumer<RuntimeException> onStopped) {
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
                groupPrefix + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("metrics"));
            while (watching.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> w = json.readValue(r.value(), Map.class);
                        if (!w.containsKey("cluster.node") && r.key() != null) {
                            w.put("cluster.node", r.key());
                        }
                        onWindow.accept(w);
                    } catch (IOException e) {
                        onUnreadable.accept(e);
                    }
                }
            }
        } catch (RuntimeException e) {
            if (watching.get()) {
                onStopped.accept(e);
            }
        }
    }

    /** A node's progress line. */
    static String line(Map<String, Object> w) {
        return String.format(Locale.ROOT, "  %-16s up %s  %5.0f frames/s  seg: loss %s IoU %s avg-v%s  emb: loss %s"
                        + " recall@1 %s avg-v%s", w.getOrDefault("cluster.node", "?"), fmt(w, "cluster.members-up", "%.0f"),
                w.get("frames/s") instanceof Number n ? n.doubleValue() : 0, fmt(w, "segmentation.loss", "%.4f"),
                fmt(w, "segmentation.objectIoU", "%.3f"), fmt(w, "segmentation.averaged-version", "%.0f"),
                fmt(w, "embedding.loss", "%.4f"), fmt(w, "embedding.recall@1", "%.3f"),
                fmt(w, "embedding.averaged-version", "%.0f"));
    }

    private static String fmt(Map<String, Object> w, String key, String format) {
        return w.get(key) instanceof Number n && !Double.isNaN(n.doubleValue())
                ? String.format(Locale.ROOT, format, n.doubleValue()) : "-";
    }

    /** One node JVM: {@code pixelflow run} with the node's port and folders in its environment. */
    static final class NodeProcess {
        private final int index;
        private final int port;
        private final int cpu;
        private final Path config;
        private final Path dir;
        private Process process;

        /** A node on Artery port {@code port}, pinned to core {@code cpu} ({@code -1}: not pinned). */
        NodeProcess(int index, int port, int cpu, Path config, Path dir) {
            this.index = index;
            this.port = port;
            this.cpu = cpu;
            this.config = config;
            this.dir = dir;
        }

        int index() {
            return index;
        }

        Path log() {
            return dir.resolve("node-" + index + ".log");
        }

        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process.isAlive();
        }

        int exitCode() {
            return process.exitValue();
        }

        void start() throws IOException {
            process = command(config).directory(null)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        }

        private ProcessBuilder command(Path config) {
            ProcessBuilder pb = nodeCommand(config, cpu);
            pb.environment().put("PIXELFLOW_CLUSTER", "on");
            pb.environment().put("PIXELFLOW_CLUSTER_PORT", Integer.toString(port));
            pb.environment().put("PIXELFLOW_CHECKPOINT_DIR",
                    dir.toAbsolutePath().resolve("node-" + index).resolve("checkpoints").toString());
            return pb;
        }

        void terminate() {
            process.destroy();
        }

        /** Kills the JVM at once (for a harness that stops on an error or Ctrl-C). */
        void kill() {
            if (process != null) {
                process.destroyForcibly();
            }
        }

        int awaitExit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        }
    }

    /**
     * The command of a node JVM running {@code pixelflow run --config config}: this JVM's java and class path, one
     * compute thread per node (nodes on one machine share its cores).
     */
    public static ProcessBuilder nodeCommand(Path config) {
        return nodeCommand(config, -1);
    }

    /**
     * {@link #nodeCommand(Path)} pinned to core {@code cpu} with {@code taskset -c cpu} (the JVM then sizes its GC
     * and compiler threads for one core); {@code cpu < 0} leaves the node unpinned.
     */
    public static ProcessBuilder nodeCommand(Path config, int cpu) {
        List<String> cmd = new ArrayList<>();
        if (cpu >= 0) {
            cmd.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx768m",
                "-Dpixelflow.threads=1", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                "-cp", System.getProperty("java.class.path"),
                "dev.pixelflow.deploy.Main", "run", "--config", config.toString()));
        return new ProcessBuilder(cmd);
    }

    /** The core node {@code index} is pinned to: nodes go round the machine's cores. */
    public static int cpuFor(int index, int cores) {
        if (index < 0 || cores < 1) {
            throw new IllegalArgumentException("node index must be >= 0 and cores >= 1, got " + index + ", " + cores);
        }
        return index % cores;
    }

    /**
     * The {@code taskset} executable found on {@code path} (a {@code PATH} value).
     *
     * @throws IllegalStateException when there is none (pinning needs util-linux's taskset)
     */
    public static Path requireTaskset(String path) {
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (d.isEmpty()) {
                    continue;
                }
                Path t = Path.of(d, "taskset");
                if (Files.isRegularFile(t) && Files.isExecutable(t)) {
                    return t;
                }
            }
        }
        throw new IllegalStateException("--pin needs the taskset command (package util-linux), not found on PATH="
                + path + "; install it (Debian: apt-get install util-linux) or run without --pin");
    }
}
