package dev.pixelflow.connectors;

import dev.pixelflow.connectors.internal.broker.BrokerClasspath;
import dev.pixelflow.connectors.internal.broker.BrokerFiles;
import dev.pixelflow.connectors.internal.broker.ParentWatchdogMain;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka broker (KRaft, one node acting as broker and controller) running in its own JVM on
 * free loopback ports, for the demo, for {@code ./pixelflow kafka} and for integration tests.
 *
 * <p>The broker is the Kafka version of module {@code connectors/kafka-broker} (4.x), resolved from Maven
 * Central by the build, which writes its classpath to a file (see {@link BrokerClasspath}); that classpath is
 * given only to the broker's command line, so the application keeps its own kafka-clients version. The broker
 * JVM is the JDK running this process.
 *
 * <p>Data directory layout: {@code server.properties}, {@code data/} (the log dirs) and {@code broker.log}
 * (the broker's stdout and stderr, kept after a failure for inspection; a temporary directory is deleted on
 * {@link #close()}). Broker settings beyond the single-node KRaft basics:
 * <ul>
 *   <li>{@code message.max.bytes} = {@code replica.fetch.max.bytes} = 16 MiB: raw frames are large records
 *       (producers must raise {@code max.request.size} and consumers {@code max.partition.fetch.bytes} to
 *       use it);</li>
 *   <li>{@code auto.create.topics.enable=false}: topics are created explicitly with their partition count
 *       ({@link #createTopic}), so that a mistyped topic name fails instead of silently creating a topic;</li>
 *   <li>internal topics with replication factor 1 and no initial rebalance delay (fast consumer groups).</li>
 * </ul>
 * Any of these can be overridden with {@link Settings#brokerProperties()}.
 *
 * <p>Start waits until an admin client sees the broker in {@code describeCluster}; a JVM shutdown hook stops
 * the broker if the process ends without {@link #close()}.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** The broker's log file name inside the data directory. */
    public static final String LOG_FILE = "broker.log";

    /**
     * How to start a broker.
     *
     * @param port             the client (PLAINTEXT) port on 127.0.0.1, or 0 for a free one
     * @param dataDir          the data directory (created if missing and kept on close; an existing formatted
     *                         one is reused with its topics), or null for a temporary one deleted on close
     * @param startTimeout     how long to wait for the broker to format its storage and become ready
     * @param brokerProperties extra or overriding {@code server.properties} entries
     * @param jvmOptions       options of the broker JVM (heap size etc.)
     */
    public record Settings(int port, Path dataDir, Duration startTimeout, Map<String, String> brokerProperties,
                           List<String> jvmOptions) {

        public Settings {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("broker port must be 0 (free port) or 1..65535, got " + port);
            }
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
            }
            brokerProperties = Map.copyOf(Objects.requireNonNull(brokerProperties, "brokerProperties"));
            jvmOptions = List.copyOf(Objects.requireNonNull(jvmOptions, "jvmOptions"));
        }

        /** Free port, temporary directory, 60 s start timeout, 512 MiB heap. */
        public static Settings defaults() {
            return new Settings(0, null, Duration.ofSeconds(60), Map.of(),
                    List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC"));
        }

        public Settings withPort(int p) {
            return new Settings(p, dataDir, startTimeout, brokerProperties, jvmOptions);
        }

        public Settings withDataDir(Path dir) {
            return new Settings(port, dir, startTimeout, brokerProperties, jvmOptions);
        }

        public Settings withStartTimeout(Duration t) {
            return new Settings(port, dataDir, t, brokerProperties, jvmOptions);
        }

        /** Adds (or overrides) one {@code server.properties} entry. */
        public Settings withBrokerProperty(String key, String value) {
            Map<String, String> m = new LinkedHashMap<>(brokerProperties);
            m.put(key, value);
            return new Settings(port, dataDir, startTimeout, m, jvmOptions);
        }
    }

    private static final int PORT_ATTEMPTS = 3;

    private final Process process;
    private final Path dir;
    private final boolean temporary;
    private final int port;
    private final int controllerPort;
    private final Admin admin;
    private final Thread shutdownHook;
    private final Duration startupTime;
    private boolean closed;

    private LocalKafkaBroker(Process process, Path dir, boolean temporary, int port, int controllerPort, Admin admin,
                             Duration startupTime) {
        this.process = process;
        this.dir = dir;
        this.temporary = temporary;
        this.port = port;
        this.controllerPort = controllerPort;
        this.admin = admin;
        this.startupTime = startupTime;
        this.shutdownHook = new Thread(this::stopQuietly, "pixelflow-kafka-broker-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker with {@link Settings#defaults()}. */
    public static LocalKafkaBroker start() {
        return start(Settings.defaults());
    }

    /**
     * Starts a broker and waits until it serves clients.
     *
     * @throws IllegalStateException when the broker classpath is missing, or the broker fails or does not
     *                               become ready in time (the message ends with the tail of its log)
     */
    public static LocalKafkaBroker start(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        String classpath = BrokerClasspath.find();
        long t0 = System.nanoTime();
        boolean temporary = settings.dataDir() == null;
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory("pixelflow-kafka-")
                    : Files.createDirectories(settings.dataDir().toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory", e);
        }
        try {
            IllegalStateException last = null;
            // Free ports are picked before the broker binds them: another process may take one meanwhile.
            int attempts = settings.port() == 0 ? PORT_ATTEMPTS : 1;
            for (int attempt = 0; attempt < attempts; attempt++) {
                int port = settings.port() == 0 ? BrokerFiles.freeLoopbackPort() : settings.port();
                int controllerPort = BrokerFiles.freeLoopbackPort();
                while (controllerPort == port) {
                    controllerPort = BrokerFiles.freeLoopbackPort();
                }
                try {
                    return launch(settings, classpath, dir, temporary, port, controllerPort, t0);
                } catch (PortTakenException e) {
                    last = new IllegalStateException(e.getMessage());
                }
            }
            throw last;
        } catch (RuntimeException e) {
            if (temporary) {
                // Keep the log for the error message (already in it), drop the data.
                try {
                    BrokerFiles.deleteTree(dir);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            throw e;
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }

    private static LocalKafkaBroker launch(Settings s, String classpath, Path dir, boolean temporary, int port,
                                           int controllerPort, long t0) {
        Path props = dir.resolve("server.properties");
        Path log = dir.resolve(LOG_FILE);
        Map<String, String> config = serverProperties(dir.resolve("data"), port, controllerPort);
        config.putAll(s.brokerProperties());
        writeProperties(props, config);
        long deadline = t0 + s.startTimeout().toNanos();

        // Format the storage, unless a reused directory holds a formatted one (its cluster id must stay).
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            format(s, classpath, props, log, deadline);
        }

        if (!BrokerFiles.isFree(port)) {
            String msg = "port " + port + " on 127.0.0.1 is in use; choose another port or 0 for a free one";
            if (s.port() == 0) {
                throw new PortTakenException(msg);
            }
            throw new IllegalStateException(msg);
        }
        Path launcher = BrokerFiles.writeClassFile(dir.resolve("launcher"), ParentWatchdogMain.class);
        Process broker = startJava(s, launcher + File.pathSeparator + classpath, log, List.of(),
                ParentWatchdogMain.class.getName(), "kafka.Kafka", props.toString());
        Admin admin = null;
        try {
            String bootstrap = "127.0.0.1:" + port;
            waitForPort(broker, port, deadline, log);
            admin = newAdmin(bootstrap);
            waitForCluster(broker, admin, deadline, log);
            return new LocalKafkaBroker(broker, dir, temporary, port, controllerPort, admin,
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
            stop(broker);
            throw e;
        }
    }

    private static void format(Settings s, String classpath, Path props, Path log, long deadline) {
        // A short-lived tool: the client compiler alone starts it faster (about 1.1 s instead of 1.6 s).
        Process format = startJava(s, classpath, log, List.of("-XX:TieredStopAtLevel=1"), "kafka.tools.StorageTool",
                "format", "--ignore-formatted",
                "-t", Uuid.randomUuid().toString(), "-c", props.toString());
        try {
            if (!format.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                format.destroyForcibly();
                throw failure("formatting the Kafka storage timed out after " + s.startTimeout(), log);
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
        }
        if (format.exitValue() != 0) {
            throw failure("formatting the Kafka storage failed (exit " + format.exitValue() + ")", log);
        }
    }

    /** The single-node KRaft settings plus pixelflow's defaults (see the class comment). */
    static Map<String, String> serverProperties(Path logDirs, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDirs.toAbsolutePath().toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("message.max.bytes", String.valueOf(16 << 20));
        p.put("replica.fetch.max.bytes", String.valueOf(16 << 20));
        return p;
    }

    private static void writeProperties(Path file, Map<String, String> config) {
        Properties p = new Properties();
        p.putAll(config);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "written by pixelflow LocalKafkaBroker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Process startJava(Settings s, String classpath, Path log, List<String> extraJvmOptions,
                                     String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(s.jvmOptions());
        cmd.addAll(extraJvmOptions);
        // Scala, zstd and snappy use sun.misc.Unsafe and JNI: silence JDK 25's warnings about them.
        cmd.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
                "-cp", classpath, mainClass));
        cmd.addAll(List.of(args));
        // stdin stays a pipe from this JVM: ParentWatchdogMain stops the broker when it closes.
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd.getFirst(), e);
        }
    }

    /** Waits until the client port accepts connections, so the admin client does not log refused connections. */
    private static void waitForPort(Process broker, int port, long deadline, Path log) {
        while (true) {
            if (!broker.isAlive()) {
                throw exited(broker, "before serving on port " + port, log);
            }
            try (Socket sock = new Socket()) {
                sock.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw failure("the Kafka broker did not open port " + port + " in time", log);
            }
            sleep(50);
        }
    }

    private static void waitForCluster(Process broker, Admin admin, long deadline, Path log) {
        while (true) {
            try {
                if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException notYet) {
                // retry until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
            }
            if (!broker.isAlive()) {
                throw exited(broker, "while starting", log);
            }
            if (System.nanoTime() > deadline) {
                throw failure("the Kafka broker did not become ready in time", log);
            }
            sleep(100);
        }
    }

    private static Admin newAdmin(String bootstrap) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "pixelflow-local-broker-admin");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
        return Admin.create(c);
    }

    /** The broker process ended during start; a port taken meanwhile is reported so that start can retry. */
    private static RuntimeException exited(Process broker, String when, Path log) {
        IllegalStateException e = failure("the Kafka broker exited (code " + broker.exitValue() + ") " + when, log);
        String m = e.getMessage();
        if (m.contains("Address already in use") || m.contains("BindException")) {
            return new PortTakenException(m);
        }
        return e;
    }

    /** An error whose message ends with the log's error lines and its tail (the tail alone is often shutdown noise). */
    private static IllegalStateException failure(String what, Path log) {
        StringBuilder m = new StringBuilder(what);
        List<String> errors = BrokerFiles.errorLines(log, 12);
        if (!errors.isEmpty()) {
            m.append("\n--- errors in ").append(log).append(":\n").append(String.join("\n", errors));
        }
        m.append("\n--- tail of ").append(log).append(":\n").append(BrokerFiles.tail(log, 2000));
        return new IllegalStateException(m.toString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /** The controller (KRaft) port; clients do not use it. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The data directory (holds {@code server.properties}, {@code data/} and the log). */
    public Path dataDir() {
        return dir;
    }

    /** The broker's stdout and stderr. A temporary data directory, and so this file, is deleted on close. */
    public Path logFile() {
        return dir.resolve(LOG_FILE);
    }

    /** The broker JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the broker process is running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** From the call of {@code start} until the broker answered {@code describeCluster}. */
    public Duration startupTime() {
        return startupTime;
    }

    /** An admin client connected to this broker, owned by it (closed on {@link #close()}; do not close it). */
    public Admin admin() {
        return admin;
    }

    /** Creates a topic with replication factor 1 and waits until the controller has created it. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * Creates a topic with replication factor 1 and the given topic configs (e.g. {@code retention.ms}) and
     * waits until the controller has created it.
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be empty");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic '" + name + "' needs at least 1 partition, got " + partitions);
        }
        if (closed) {
            throw new IllegalStateException("the broker is closed");
        }
        NewTopic t = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs));
        try {
            admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic '" + name + "': " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic '" + name + "' timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic '" + name + "'", e);
        }
    }

    /** The names of the (non-internal) topics. */
    public Collection<String> topics() {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
    }

    /**
     * Stops the broker (a clean shutdown first, forcibly after 30 s) and deletes a temporary data directory.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called from another shutdown hook: ours runs (and finds the work done)
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close(Duration.ofSeconds(2));
        stop(process);
        if (temporary) {
            try {
                BrokerFiles.deleteTree(dir);
            } catch (IOException e) {
                System.err.println("pixelflow: cannot delete the Kafka data directory " + dir + ": " + e);
            }
        }
    }

    /** SIGTERM (Kafka shuts down cleanly), then SIGKILL after 30 s. */
    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        boolean interrupted = false;
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            p.destroyForcibly();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LocalKafkaBroker[" + bootstrapServers() + ", pid " + process.pid() + ", dir " + dir + "]";
    }
}
