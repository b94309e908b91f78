package dev.pixelflow.deploy;

import dev.pixelflow.deploy.cluster.ClusterBench;
import dev.pixelflow.deploy.cluster.LocalCluster;
import dev.pixelflow.deploy.demo.InMemoryDemo;
import dev.pixelflow.deploy.demo.KafkaDemo;
import com.typesafe.config.Config;
import dev.pixelflow.deploy.produce.FrameProducer;
import dev.pixelflow.deploy.run.PipelineRunner;
import dev.pixelflow.deploy.run.ProgressLines;
import dev.pixelflow.deploy.run.RunConfig;
import dev.pixelflow.simd.Ops;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The {@code pixelflow} command line (started by the {@code ./pixelflow} launcher). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        String cmd = args[0];
        try {
            Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
            switch (cmd) {
                case "demo" -> {
                    if (opts.containsKey("help")) {
                        out.println(DEMO_USAGE);
                        return 0;
                    }
                    if (opts.remove("in-memory") != null) {
                        InMemoryDemo.Settings d = InMemoryDemo.Settings.defaults();
                        InMemoryDemo.Settings s = new InMemoryDemo.Settings(
                                intOpt(opts, "steps", d.steps()), intOpt(opts, "batch", d.batch()),
                                intOpt(opts, "size", d.frameSize()), intOpt(opts, "width", d.width()),
                                floatOpt(opts, "lr", d.learningRate()),
                                longOpt(opts, "seed", d.seed()));
                        opts.keySet().removeAll(java.util.Set.of("steps", "batch", "size", "width", "lr", "seed"));
                        requireNoMore(opts, "demo --in-memory");
                        InMemoryDemo.run(s, Ops.defaults(), out, System.console() != null);
                        return 0;
                    }
                    KafkaDemo.Settings d = KafkaDemo.Settings.defaults();
                    KafkaDemo.Settings s = new KafkaDemo.Settings(
                            java.time.Duration.ofSeconds(intOpt(opts, "seconds", (int) d.duration().toSeconds())),
                            intOpt(opts, "rate", d.rate()), intOpt(opts, "size", d.size()),
                            opts.containsKey("report") ? Path.of(opts.get("report")) : d.report(),
                            longOpt(opts, "seed", d.seed()));
                    opts.keySet().removeAll(java.util.Set.of("seconds", "rate", "size", "report", "seed"));
                    requireNoMore(opts, "demo");
                    try {
                        KafkaDemo.run(s, out);
                    } catch (IllegalStateException | java.io.IOException e) {
                        err.println("pixelflow demo: " + e.getMessage());
                        return 1;
                    }
                    return 0;
                }
                case "produce" -> {
                    if (opts.containsKey("help")) {
                        out.println(PRODUCE_USAGE);
                        return 0;
                    }
                    FrameProducer.Settings s = produceSettings(opts);
                    try {
                        new FrameProducer(s, out).run();
                    } catch (IllegalStateException | java.io.UncheckedIOException e) {
                        err.println("pixelflow produce: " + e.getMessage());
                        return 1;
                    }
                    return 0;
                }
                case "run" -> {
                    if (opts.containsKey("help")) {
                        out.println(RUN_USAGE);
                        return 0;
                    }
                    String file = opts.remove("config");
                    String bootstrap = opts.remove("bootstrap");
                    if (!opts.isEmpty()) {
                        throw new IllegalArgumentException("unknown option(s) for run: --" + String.join(", --", opts.keySet()));
                    }
                    Config config = RunConfig.load(file == null ? null : Path.of(file), bootstrap);
                    PipelineRunner runner;
                    try {
                        runner = PipelineRunner.start(config, new ProgressLines(out));
                    } catch (IllegalStateException e) {
                        err.println("pixelflow run: " + e.getMessage());
                        return 1;
                    }
                    out.println("pixelflow run: consuming '" + runner.settings().inputTopic() + "' from "
                            + config.getString("pekko.kafka.consumer.kafka-clients.bootstrap.servers")
                            + "; Ctrl-C (or SIGTERM) drains, commits, checkpoints and stops");
                    runner.awaitTermination();
                    return 0;
                }
                case "cluster" -> {
                    if (opts.containsKey("help")) {
                        out.println(CLUSTER_USAGE);
                        return 0;
                    }
                    LocalCluster.Settings d = LocalCluster.Settings.defaults();
                    LocalCluster.Settings s = new LocalCluster.Settings(intOpt(opts, "nodes", d.nodes()),
                            java.time.Duration.ofSeconds(longOpt(opts, "seconds", d.duration().toSeconds())),
                            intOpt(opts, "rate", d.rate()), intOpt(opts, "size", d.size()),
                            Path.of(opts.getOrDefault("dir", d.dir().toString())), intOpt(opts, "port", d.basePort()),
                            boolOpt(opts, "pin", d.pin()));
                    opts.keySet().removeAll(java.util.Set.of("nodes", "seconds", "rate", "size", "dir", "port", "pin"));
                    requireNoMore(opts, "cluster");
                    try {
                        LocalCluster.run(s, out);
                    } catch (IllegalStateException | java.io.IOException e) {
                        err.println("pixelflow cluster: " + e.getMessage());
                        return 1;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return 130;
                    }
                    return 0;
                }
                case "cluster-bench" -> {
                    if (opts.containsKey("help")) {
                        out.println(CLUSTER_BENCH_USAGE);
                        return 0;
                    }
                    ClusterBench.Settings s = clusterBenchSettings(opts);
                    try {
                        ClusterBench.run(s, out);
                    } catch (IllegalStateException | java.io.IOException e) {
                        err.println("pixelflow cluster-bench: " + e.getMessage());
                        return 1;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return 130;
                    }
                    return 0;
                }
                case "help", "--help", "-h" -> {
                    usage(out);
                    return 0;
                }
                default -> {
                    err.println("pixelflow: unknown command '" + cmd + "'");
                    usage(err);
                    return 2;
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("pixelflow " + cmd + ": " + e.getMessage());
            return 2;
        }
    }

    private static void usage(PrintStream s) {
        s.println("usage: pixelflow <command> [options]");
        s.println("  demo    the whole job on a local Kafka broker with generated frames, then a report (--help)");
        s.println("  run     the streaming job against any Kafka: pixelflow run --config FILE [--bootstrap HOST:PORT]");
        s.println("  cluster a local cluster of N node JVMs sharing partitions and models (--help)");
        s.println("  cluster-bench  throughput of N pinned node JVMs on a pre-filled backlog (--help)");
        s.println("  produce publish image files or generated frames to a Kafka topic, with progress");
        s.println("  help    this text");
    }

    private static final String DEMO_USAGE = """
            usage: pixelflow demo [--seconds N] [--rate FRAMES_PER_S] [--size PIXELS] [--report DIR] [--seed N]
              starts a local Kafka broker, generated frames for both tasks and the streaming job; trains the
              segmenter and the embedder online for N seconds (default 120), then stops cleanly and writes
              DIR/index.html (default: report/) with plots of loss, IoU, recall@1, throughput, example masks and
              embeddings.
            usage: pixelflow demo --in-memory [--steps N] [--batch N] [--size PIXELS] [--width CHANNELS] [--lr RATE]
              trains the segmenter in this JVM only, no Kafka (a quick check of the kernels).""";

    private static final String CLUSTER_USAGE = """
            usage: pixelflow cluster [--nodes N] [--seconds S] [--rate FRAMES_PER_S] [--size PIXELS] [--dir FOLDER] [--port P] [--pin]
              Runs N separate node JVMs as one Pekko cluster on 127.0.0.1 ports P..P+N-1 (default 3 nodes from 7355)
              against a local Kafka broker, with generated frames (default 150/s of 32x32) for S seconds (default 120).
              The nodes share the input partitions through one consumer group and train replicas of both models,
              averaged by coordinators that Cluster Sharding places on one node each. A node that exits is started
              again; kill one (kill -9 PID) to watch its partitions and model shard move. Logs, checkpoints and the
              averaged models go to FOLDER (default ./cluster). --pin runs node i under taskset -c <i mod cores>.""";

    private static final String CLUSTER_BENCH_USAGE = """
            usage: pixelflow cluster-bench [--nodes N] [--partitions P] [--frames BACKLOG] [--size PIXELS]
                                           [--warmup S] [--seconds S] [--interval S] [--pin true|false]
                                           [--dir FOLDER] [--out FOLDER] [--port P]
              Steady-state throughput of a local cluster of N node JVMs (default 1), each pinned to one core with
              taskset (node i on core i mod cores; --pin false: unpinned). Starts a local broker (unpinned), fills
              the input topic (P partitions, default 4, at least 2 and N) with BACKLOG records of the demo's mix
              (default: enough for 1500 frames/s per node of 32x32, the default size, for the whole run, scaled by
              pixel count) before any node starts, waits until every node consumes, warms up S seconds
              (default 60), then measures S seconds (default 300): frames whose offsets the consumer group has
              committed per second (first to last commit seen, and median/min/max over spans of at least
              --interval seconds, default 10), result records per second and parameter-averaging rounds. Prints a one-line summary and writes
              FOLDER/cluster-scaling-<time>-<N>n.json (default bench/results). Node logs go to --dir (default
              ./cluster-bench).""";

    private static final String RUN_USAGE = """
            usage: pixelflow run [--config FILE] [--bootstrap HOST:PORT]
              runs the streaming job (train on labelled frames, masks and embeddings for the others) until Ctrl-C.
              FILE is HOCON overriding application.conf and the reference.conf defaults (pixelflow.pipeline,
              pixelflow.connectors, pekko.kafka.*); --bootstrap sets both Kafka clients' bootstrap.servers.""";

    private static final String PRODUCE_USAGE = "usage: pixelflow produce --bootstrap HOST:PORT --topic T "
            + "(--dir FOLDER_OF_IMAGES [--masks FOLDER] | --generate N [--kind segmentation|identities]) "
            + "[--size PIXELS] [--seed N]";

    /** The cluster-bench options, validated; anything left over is an error. */
    static ClusterBench.Settings clusterBenchSettings(Map<String, String> opts) {
        ClusterBench.Settings d = ClusterBench.Settings.defaults();
        int nodes = intOpt(opts, "nodes", d.nodes());
        int size = intOpt(opts, "size", d.size());
        java.time.Duration warmup = java.time.Duration.ofSeconds(longOpt(opts, "warmup", d.warmup().toSeconds()));
        java.time.Duration measure = java.time.Duration.ofSeconds(longOpt(opts, "seconds", d.measure().toSeconds()));
        long backlog = opts.containsKey("frames") ? longOpt(opts, "frames", 0)
                : ClusterBench.defaultBacklog(Math.max(1, nodes), Math.max(16, size), warmup, measure);
        ClusterBench.Settings s = new ClusterBench.Settings(nodes, intOpt(opts, "partitions", d.partitions()),
                backlog, size, warmup, measure,
                java.time.Duration.ofSeconds(longOpt(opts, "interval", d.interval().toSeconds())),
                boolOpt(opts, "pin", d.pin()), Path.of(opts.getOrDefault("dir", d.dir().toString())),
                Path.of(opts.getOrDefault("out", d.out().toString())), intOpt(opts, "port", d.basePort()));
        opts.keySet().removeAll(java.util.Set.of("nodes", "partitions", "frames", "size", "warmup", "seconds",
                "interval", "pin", "dir", "out", "port"));
        requireNoMore(opts, "cluster-bench");
        return s;
    }

    /** The produce options, validated; anything left over is an error. */
    static FrameProducer.Settings produceSettings(Map<String, String> opts) {
        String bootstrap = opts.remove("bootstrap");
        String topic = opts.remove("topic");
        String dir = opts.remove("dir");
        String masks = opts.remove("masks");
        String kind = opts.remove("kind");
        boolean hasGenerate = opts.containsKey("generate");
        int generate = intOpt(opts, "generate", 0);
        int size = intOpt(opts, "size", 64);
        long seed = longOpt(opts, "seed", 42L);
        opts.keySet().removeAll(java.util.Set.of("generate", "size", "seed"));
        if (!opts.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) for produce: --" + String.join(", --", opts.keySet()));
        }
        if (hasGenerate && generate < 1) {
            throw new IllegalArgumentException("--generate must be >= 1, got " + generate);
        }
        if (kind != null && dir != null) {
            throw new IllegalArgumentException("--kind only goes with --generate");
        }
        return new FrameProducer.Settings(bootstrap, topic, dir == null ? null : Path.of(dir),
                masks == null ? null : Path.of(masks), generate,
                kind == null ? FrameProducer.Kind.SEGMENTATION : FrameProducer.Kind.parse(kind), size, seed);
    }

    private static void requireNoMore(Map<String, String> opts, String command) {
        if (!opts.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) for " + command + ": --"
                    + String.join(", --", opts.keySet()));
        }
    }

    /** Parses {@code --key value}, {@code --key=value} and bare {@code --flag}. */
    static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("expected an option like --steps 100, got '" + a + "'");
            }
            String key = a.substring(2);
            String value = "true";
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            }
            m.put(key.toLowerCase(Locale.ROOT), value);
        }
        return m;
    }

    private static int intOpt(Map<String, String> m, String key, int dflt) {
        return opt(m, key, dflt, Integer::parseInt, "a whole number");
    }

    private static long longOpt(Map<String, String> m, String key, long dflt) {
        return opt(m, key, dflt, Long::parseLong, "a whole number");
    }

    /** A bare {@code --flag} or {@code --flag true|false}. */
    private static boolean boolOpt(Map<String, String> m, String key, boolean dflt) {
        String v = m.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new IllegalArgumentException("--" + key + " needs true or false, got '" + v + "'");
        };
    }

    private static float floatOpt(Map<String, String> m, String key, float dflt) {
        return opt(m, key, dflt, Float::parseFloat, "a number");
    }

    /** The option's value parsed, or {@code dflt} when absent; a value that does not parse names the option. */
    private static <T> T opt(Map<String, String> m, String key, T dflt, Function<String, T> parse, String kind) {
        String v = m.get(key);
        try {
            return v == null ? dflt : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " needs " + kind + ", got '" + v + "'");
        }
    }
}
