package dev.pixelflow.connectors;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./pixelflow kafka [--port N] [--dir PATH] [--property KEY=VALUE]...}: runs a {@link LocalKafkaBroker}
 * in the foreground for development until Ctrl-C (or the broker exits), printing its bootstrap address and
 * log file. Without {@code --dir} the data lives in a temporary directory deleted on exit.
 */
public final class LocalKafkaBrokerMain {

    private LocalKafkaBrokerMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        // Let the shutdown hooks stop the broker; exit explicitly so the admin client's threads do not linger.
        System.exit(code);
    }

    /** Parses the options, starts the broker and blocks until it stops; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        LocalKafkaBroker.Settings s = LocalKafkaBroker.Settings.defaults();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--port" -> s = s.withPort(parsePort(value(args, ++i, a)));
                    case "--dir" -> s = s.withDataDir(Path.of(value(args, ++i, a)));
                    case "--property" -> {
                        String kv = value(args, ++i, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--property needs KEY=VALUE, got '" + kv + "'");
                        }
                        s = s.withBrokerProperty(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    case "--help", "-h" -> {
                        usage(out);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("pixelflow kafka: " + e.getMessage());
            usage(err);
            return 2;
        }

        out.println("pixelflow kafka: starting a local Kafka broker ...");
        LocalKafkaBroker broker;
        try {
            broker = LocalKafkaBroker.start(s);
        } catch (RuntimeException e) {
            err.println("pixelflow kafka: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("pixelflow kafka: stopping the broker ...");
            broker.close();
            stopped.countDown();
        }, "pixelflow-kafka-main-stop"));
        out.printf("pixelflow kafka: ready in %.1f s%n", broker.startupTime().toMillis() / 1000.0);
        out.println("  bootstrap.servers = " + broker.bootstrapServers());
        out.println("  log file          = " + broker.logFile());
        out.println("  data directory    = " + broker.dataDir() + (s.dataDir() == null ? " (temporary)" : ""));
        out.println("  topics are not created automatically: use the admin API or kafka-topics.");
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try {
            ProcessHandle.of(broker.pid()).ifPresent(h -> h.onExit().join());
        } catch (RuntimeException e) {
            // interrupted while shutting down
        }
        // On Ctrl-C the terminal signals the broker too, so it may end before our hook has finished.
        boolean byUs;
        try {
            byUs = stopped.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            byUs = true;
        }
        if (!byUs) {
            err.println("pixelflow kafka: the broker exited unexpectedly; the end of " + broker.logFile() + ":");
            err.println(dev.pixelflow.connectors.internal.broker.BrokerFiles.tail(broker.logFile(), 4000));
            return 1;
        }
        return 0;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port needs a whole number, got '" + v + "'");
        }
    }

    private static void usage(PrintStream s) {
        s.println("usage: pixelflow kafka [--port N] [--dir PATH] [--property KEY=VALUE]...");
        s.println("  runs a local Apache Kafka broker (KRaft, single node) on 127.0.0.1 until Ctrl-C");
        s.println("  --port N       client port (default: a free one)");
        s.println("  --dir PATH     data directory, kept between runs (default: a temporary one, deleted on exit)");
        s.println("  --property K=V extra server.properties entry (e.g. auto.create.topics.enable=true)");
    }
}
