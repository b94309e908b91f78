package dev.pixelflow.deploy.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.deploy.demo.KafkaDemo;
import dev.pixelflow.streams.data.MixedFrames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./pixelflow cluster-bench --nodes N}: steady-state end-to-end throughput of a local cluster of N node JVMs.
 *
 * <ol>
 *   <li>Starts a local broker (unpinned) and fills the input topic ({@code --partitions} partitions, records spread
 *   round-robin) with a backlog of {@code --frames} records of the demo generator's mix, as fast as the producer
 *   goes, before any node starts: the producer neither limits nor competes during the measurement.</li>
 *   <li>Starts the nodes (each pinned to one core with {@code taskset} unless {@code --pin false}) and waits until
 *   every node reports consumed frames and sees all members up, so that the consumer group has settled.</li>
 *   <li>After {@code --warmup} seconds (JIT, first averaging rounds), samples every second for {@code --seconds}:
 *   the offsets the consumer group has COMMITTED on the input topic (a frame counts only once its results were
 *   acknowledged by the broker and its offset committed) and the end offsets of the result topics.</li>
 * </ol>
 *
 * <p>The job's committer batches offsets (Pekko's defaults: up to 1000 per commit or every 10 s), so committed
 * offsets move in steps, a few seconds apart at these rates. Offsets are sampled every 0.5 s, and rates are taken
 * between samples where the committed count has just moved, so that they span whole batches: the headline is
 * the rate from the first to the last commit seen in the measured span, and the per-interval rates (median, min,
 * max) use spans of at least {@code --interval} seconds (default 10) to show the spread. A run whose backlog
 * runs out stops early and says so. Writes one JSON file per run to {@code --out}.
 */
public final class ClusterBench {

    private static final String GROUP = "pixelflow-cluster";
    private static final String INPUT = "frames";
    private static final List<String> RESULT_TOPICS = List.of("masks", "embeddings");
    private static final List<String> MODELS = List.of("segmentation", "embedding");

    /** Benchmark settings. */
    public record Settings(int nodes, int partitions, long frames, int size, Duration warmup, Duration measure,
                           Duration interval, boolean pin, Path dir, Path out, int basePort) {
        public Settings {
            if (nodes < 1 || nodes > 16) {
                throw new IllegalArgumentException("--nodes must be 1..16, got " + nodes);
            }
            if (partitions < Math.max(2, nodes)) {
                throw new IllegalArgumentException("--partitions must be >= 2 and >= --nodes (" + nodes
                        + ") so that every node gets input, got " + partitions);
            }
            if (frames < 1000) {
                throw new IllegalArgumentException("--frames (the backlog) must be >= 1000, got " + frames);
            }
            KafkaDemo.checkGenerator(1, size);
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("--warmup must be >= 0 s, got " + warmup.toSeconds());
            }
            if (interval.toSeconds() < 1) {
                throw new IllegalArgumentException("--interval must be >= 1 s, got " + interval.toSeconds());
            }
            if (measure.compareTo(interval) < 0) {
                throw new IllegalArgumentException("--seconds (" + measure.toSeconds()
                        + ") must be at least one --interval (" + interval.toSeconds() + ")");
            }
            if (basePort < 1024 || basePort + nodes > 65535) {
                throw new IllegalArgumentException("--port must leave room for " + nodes + " ports in 1024..65535,"
                        + " got " + basePort);
            }
        }

        public static Settings defaults() {
            return new Settings(1, 4, defaultBacklog(1, 32, Duration.ofSeconds(60), Duration.ofSeconds(300)), 32,
                    Duration.ofSeconds(60), Duration.ofSeconds(300), Duration.ofSeconds(10), true,
                    Path.of("cluster-bench"), Path.of("bench", "results"), 7455);
        }
    }

    /**
     * A backlog that outlasts the run: {@code nodes x 1500 frames/s x (warmup + measure + 60 s of start-up)},
     * scaled by {@code 32^2 / size^2}, at least 20000. One pinned node consumed about 1050 frames/s of 32x32 on a
     * 2-core Zen 3 machine; the margin covers faster machines, and a run that empties it still says so.
     */
    public static long defaultBacklog(int nodes, int size, Duration warmup, Duration measure) {
        double perNode = 1500.0 * 32 * 32 / ((double) size * size);
        long seconds = warmup.toSeconds() + measure.toSeconds() + 60;
        return Math.max(20_000, (long) Math.ceil(nodes * perNode * seconds));
    }

    /** One sample (every 0.5 s): seconds since the nodes started, committed input offsets, result records, averaged versions. */
    record Sample(double t, long committed, long results, long rounds) {
    }

    /** Per-interval rates and the whole-span rate of a series of samples. */
    record Rates(double overall, double median, double min, double max, int intervals) {
    }

    private ClusterBench() {
    }

    /** Runs one measurement; returns the JSON file written. */
    public static Path run(Settings s, PrintStream out) throws IOException, InterruptedException {
        if (s.pin()) {
            LocalCluster.requireTaskset(System.getenv("PATH"));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path dir = s.dir().resolve("run-" + stamp + "-" + s.nodes() + "n");
        Files.createDirectories(dir);
        out.printf(Locale.ROOT, "pixelflow cluster-bench: %d node(s)%s, %d partitions, backlog %d frames of %dx%d,"
                        + " warm-up %d s, measure %d s; %d cores; logs in %s%n", s.nodes(),
                s.pin() ? " pinned one core each" : " unpinned", s.partitions(), s.frames(), s.size(), s.size(),
                s.warmup().toSeconds(), s.measure().toSeconds(), cores, dir.toAbsolutePath());
        List<LocalCluster.NodeProcess> nodes = new ArrayList<>();
        Thread killer = new Thread(() -> nodes.forEach(LocalCluster.NodeProcess::kill), "pixelflow-bench-kill");
        Runtime.getRuntime().addShutdownHook(killer);
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            out.printf(Locale.ROOT, "  broker ready in %.1f s at %s (unpinned)%n", broker.startupTime().toMillis() / 1e3,
                    broker.bootstrapServers());
            broker.createTopic(INPUT, s.partitions());
            for (String t : RESULT_TOPICS) {
                broker.createTopic(t, s.partitions());
            }
            broker.createTopic("metrics", 1);
            fill(broker.bootstrapServers(), s, out);

            Path config = LocalCluster.writeConfig(dir, s.nodes(), s.basePort(), s.size(), broker.bootstrapServers());
            long t0 = System.nanoTime();
            for (int i = 0; i < s.nodes(); i++) {
                int cpu = s.pin() ? LocalCluster.cpuFor(i, cores) : -1;
                nodes.add(new LocalCluster.NodeProcess(i, s.basePort() + i, cpu, config, dir));
                nodes.get(i).start();
                out.printf("  node %d started (pid %d%s, log %s)%n", i, nodes.get(i).pid(),
                        cpu >= 0 ? ", core " + cpu : "", nodes.get(i).log());
            }
            Map<String, Map<String, Object>> latest = new ConcurrentHashMap<>();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofPlatform().name("pixelflow-bench-metrics").daemon().start(
                    () -> watch(broker.bootstrapServers(), latest, watching));
            Admin admin = broker.admin();
            try {
                Map<String, Object> result = measure(s, admin, nodes, latest, t0, out);
                result.put("cores", cores);
                result.put("timestamp", stamp);
                result.put("node-logs", dir.toAbsolutePath().toString());
                Files.createDirectories(s.out());
                Path file = s.out().resolve("cluster-scaling-" + stamp + "-" + s.nodes() + "n.json");
                Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
                out.println(summary(result));
                out.println("  results written to " + file);
                return file;
            } finally {
                watching.set(false);
                stop(nodes, out);
                watcher.join(5_000);
            }
        } finally {
            nodes.forEach(LocalCluster.NodeProcess::kill);
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook runs
            }
        }
    }

    /** Publishes the backlog (round-robin over the partitions, keys {@code camera-<partition>}) and waits for acks. */
    private static void fill(String bootstrap, Settings s, PrintStream out) {
        long t = System.nanoTime();
        long bytes = 0;
        SplittableRandom r = new SplittableRandom(42);
        try (MixedFrames gen = new MixedFrames(s.size(), 8, 42);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                     ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            for (long seq = 0; seq < s.frames(); seq++) {
                byte[] value = KafkaDemo.mixedRecord(gen, r, seq);
                int p = (int) (seq % s.partitions());
                producer.send(new ProducerRecord<>(INPUT, p, "camera-" + p, value));
                bytes += value.length;
            }
            producer.flush();
        }
        double sec = (System.nanoTime() - t) / 1e9;
        out.printf(Locale.ROOT, "  backlog: %d records (%.1f MB) in %.1f s (%.0f records/s), before any node starts%n",
                s.frames(), bytes / 1e6, sec, s.frames() / sec);
    }

    /** Waits for all nodes to consume, warms up, samples; returns the run's result map. */
    private static Map<String, Object> measure(Settings s, Admin admin, List<LocalCluster.NodeProcess> nodes,
                                               Map<String, Map<String, Object>> latest, long t0, PrintStream out)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!allConsuming(latest, s.nodes())) {
            checkAlive(nodes);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the nodes did not all consume within 180 s (seen: " + latest.keySet()
                        + "); see the node logs");
            }
            Thread.sleep(500);
        }
        double settled = secondsSince(t0);
        out.printf(Locale.ROOT, "  all %d node(s) consuming after %.1f s; warming up %d s%n", s.nodes(), settled,
                s.warmup().toSeconds());
        long warmEnd = System.nanoTime() + s.warmup().toNanos();
        while (System.nanoTime() < warmEnd) {
            checkAlive(nodes);
            Thread.sleep(500);
        }
        List<Sample> samples = new ArrayList<>();
        samples.add(sample(admin, latest, t0));
        long start = System.nanoTime();
        long end = start + s.measure().toNanos();
        boolean exhausted = false;
        long lastPrint = samples.get(0).committed();
        double lastPrintT = samples.get(0).t();
        while (System.nanoTime() < end) {
            Thread.sleep(500);
            checkAlive(nodes);
            Sample x = sample(admin, latest, t0);
            samples.add(x);
            if (x.t() - lastPrintT >= s.interval().toSeconds() - 0.5) {
                out.printf(Locale.ROOT, "  t=%5.0f s  committed %8d  %6.0f frames/s   results %8d   averaging rounds %d%n",
                        x.t(), x.committed(), (x.committed() - lastPrint) / (x.t() - lastPrintT), x.results(),
                        x.rounds());
                lastPrint = x.committed();
                lastPrintT = x.t();
            }
            // The nodes would idle on an empty topic: stop while at least 5% of the backlog is left.
            if (x.committed() >= s.frames() * 0.95) {
                exhausted = true;
                out.printf("  WARNING: the backlog is nearly consumed (%d of %d); stopping early: use a larger --frames%n",
                        x.committed(), s.frames());
                break;
            }
        }
        Rates frames = rates(samples, Sample::committed, s.interval().toSeconds());
        Rates results = rates(samples, Sample::results, s.interval().toSeconds());
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        double span = last.t() - first.t();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodes", s.nodes());
        m.put("pinned", s.pin());
        m.put("partitions", s.partitions());
        m.put("frame-size", s.size());
        m.put("backlog-frames", s.frames());
        m.put("settled-after-seconds", round(settled));
        m.put("warmup-seconds", s.warmup().toSeconds());
        m.put("measured-seconds", round(span));
        m.put("interval-seconds", s.interval().toSeconds());
        m.put("backlog-exhausted", exhausted);
        m.put("frames-committed", last.committed() - first.committed());
        m.put("frames-per-second", round(frames.overall()));
        m.put("frames-per-second-median", round(frames.median()));
        m.put("frames-per-second-min", round(frames.min()));
        m.put("frames-per-second-max", round(frames.max()));
        m.put("intervals", frames.intervals());
        m.put("results-per-second", round(results.overall()));
        m.put("averaging-rounds", last.rounds() - first.rounds());
        m.put("averaging-rounds-per-second", round(span > 0 ? (last.rounds() - first.rounds()) / span : 0));
        Map<String, Object> perNode = new LinkedHashMap<>();
        latest.forEach((node, w) -> perNode.put(node, Map.of("last-window-frames/s", w.getOrDefault("frames/s", 0),
                "total.frames.in", w.getOrDefault("total.frames.in", 0))));
        m.put("per-node", perNode);
        List<double[]> raw = new ArrayList<>();
        for (Sample x : samples) {
            raw.add(new double[] {round(x.t()), x.committed(), x.results(), x.rounds()});
        }
        m.put("samples [t, committed, results, rounds]", raw);
        return m;
    }

    /**
     * Rates of a cumulative counter that moves in steps (committed offsets move once per committer batch). Only
     * samples where the counter has just moved count as boundaries, so that each rate spans whole batches: the
     * overall rate from the first to the last such sample, and per-interval rates over consecutive spans of at
     * least {@code interval} seconds between them (a trailing shorter piece is left out).
     */
    static Rates rates(List<Sample> samples, java.util.function.ToLongFunction<Sample> counter, long interval) {
        List<Sample> marks = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++) {
            if (counter.applyAsLong(samples.get(i)) != counter.applyAsLong(samples.get(i - 1))) {
                marks.add(samples.get(i));
            }
        }
        if (marks.size() < 2) {
            return new Rates(0, 0, 0, 0, 0);
        }
        Sample first = marks.get(0);
        Sample last = marks.get(marks.size() - 1);
        double overall = (counter.applyAsLong(last) - counter.applyAsLong(first)) / (last.t() - first.t());
        List<Double> per = new ArrayList<>();
        Sample from = first;
        for (Sample x : marks) {
            if (x.t() - from.t() >= interval - 1e-6) {
                per.add((counter.applyAsLong(x) - counter.applyAsLong(from)) / (x.t() - from.t()));
                from = x;
            }
        }
        if (per.isEmpty()) {
            return new Rates(overall, overall, overall, overall, 0);
        }
        double[] v = per.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Rates(overall, median, v[0], v[v.length - 1], v.length);
    }

    /** The one-line summary of a result map. */
    static String summary(Map<String, Object> m) {
        return String.format(Locale.ROOT, "cluster-bench: nodes=%s pinned=%s partitions=%s size=%s  %.1f frames/s"
                        + " committed (interval median %.1f, min %.1f, max %.1f over %s x %ss)  %.1f results/s"
                        + "  %s averaging rounds in %.0f s%s", m.get("nodes"), m.get("pinned"), m.get("partitions"),
                m.get("frame-size"), num(m, "frames-per-second"), num(m, "frames-per-second-median"),
                num(m, "frames-per-second-min"), num(m, "frames-per-second-max"), m.get("intervals"),
                m.get("interval-seconds"), num(m, "results-per-second"), m.get("averaging-rounds"),
                num(m, "measured-seconds"), Boolean.TRUE.equals(m.get("backlog-exhausted"))
                        ? "  (BACKLOG EXHAUSTED: not a steady state)" : "");
    }

    private static double num(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static boolean allConsuming(Map<String, Map<String, Object>> latest, int nodes) {
        if (latest.size() < nodes) {
            return false;
        }
        for (Map<String, Object> w : latest.values()) {
            if (!(w.get("total.frames.in") instanceof Number f) || f.longValue() <= 0) {
                return false;
            }
            if (!(w.get("cluster.members-up") instanceof Number up) || up.intValue() < nodes) {
                return false;
            }
        }
        return true;
    }

    private static Sample sample(Admin admin, Map<String, Map<String, Object>> latest, long t0)
            throws InterruptedException {
        try {
            long committed = 0;
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                if (e.getKey().topic().equals(INPUT) && e.getValue() != null) {
                    committed += e.getValue().offset();
                }
            }
            double t = secondsSince(t0);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(RESULT_TOPICS).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> ends.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            long results = 0;
            for (var info : admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS).values()) {
                results += info.offset();
            }
            return new Sample(t, committed, results, rounds(latest));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read offsets from the broker: " + e, e);
        }
    }

    /** Averaging rounds so far: the newest averaged version of each model seen on any node, summed over models. */
    private static long rounds(Map<String, Map<String, Object>> latest) {
        long sum = 0;
        for (String model : MODELS) {
            long max = 0;
            for (Map<String, Object> w : latest.values()) {
                if (w.get(model + ".averaged-version") instanceof Number n && Double.isFinite(n.doubleValue())) {
                    max = Math.max(max, n.longValue());
                }
            }
            sum += max;
        }
        return sum;
    }

    private static void checkAlive(List<LocalCluster.NodeProcess> nodes) {
        for (LocalCluster.NodeProcess n : nodes) {
            if (!n.alive()) {
                throw new IllegalStateException("node " + n.index() + " exited with code " + n.exitCode()
                        + " during the measurement; see " + n.log());
            }
        }
    }

    /** Keeps the newest metrics window of every node (read from the beginning of the metrics topic). */
    private static void watch(String bootstrap, Map<String, Map<String, Object>> latest, AtomicBoolean watching) {
        // unreadable records are not metrics windows, and at the end of the run the broker goes away: both ignored
        LocalCluster.watchMetrics(bootstrap, "pixelflow-bench-watch-", "earliest", watching,
                w -> latest.put(String.valueOf(w.get("cluster.node")), w), e -> { }, e -> { });
    }

    /** Stops the nodes (SIGTERM, then SIGKILL after 30 s). */
    private static void stop(List<LocalCluster.NodeProcess> nodes, PrintStream out) throws InterruptedException {
        for (LocalCluster.NodeProcess n : nodes) {
            n.terminate();
        }
        for (LocalCluster.NodeProcess n : nodes) {
            n.awaitExit(Duration.ofSeconds(30));
        }
        out.printf("  %d node(s) stopped%n", nodes.size());
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
