package dev.pixelflow.connectors.internal.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the classpath of the local Kafka broker JVM: the file that the build of module
 * {@code connectors/kafka-broker} writes ({@code target/broker-classpath.txt}, jar paths joined by the
 * platform path separator). The broker jars are a newer Kafka than the application's kafka-clients, so
 * they are only ever put on the broker's own command line, never on this JVM's classpath.
 */
public final class BrokerClasspath {

    /** System property naming the classpath file (set by the surefire configuration and by ./pixelflow). */
    public static final String PROPERTY = "pixelflow.kafka.broker.classpath";

    /** Where the file lies relative to the repository root. */
    static final Path RELATIVE = Path.of("connectors", "kafka-broker", "target", "broker-classpath.txt");

    private BrokerClasspath() {
    }

    /**
     * The broker classpath: from the file named by {@link #PROPERTY}, else from the first
     * {@code connectors/kafka-broker/target/broker-classpath.txt} found in the working directory or one of
     * its parents (a test JVM runs in {@code connectors/}, the launcher in the repository root).
     *
     * @throws IllegalStateException when no file is found, it is empty, or a jar it lists is missing
     */
    public static String find() {
        String prop = System.getProperty(PROPERTY);
        Path file;
        if (prop != null && !prop.isBlank()) {
            file = Path.of(prop);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("the Kafka broker classpath file " + file + " (system property "
                        + PROPERTY + ") does not exist; run ./pixelflow build");
            }
        } else {
            file = search(Path.of(System.getProperty("user.dir")).toAbsolutePath());
            if (file == null) {
                throw new IllegalStateException("no Kafka broker classpath file: set the system property " + PROPERTY
                        + " or run from the pixelflow checkout after ./pixelflow build (which writes "
                        + RELATIVE + ")");
            }
        }
        return read(file);
    }

    /** Searches {@code dir} and its parents for the classpath file; null when none has it. */
    static Path search(Path dir) {
        for (Path d = dir; d != null; d = d.getParent()) {
            Path f = d.resolve(RELATIVE);
            if (Files.isRegularFile(f)) {
                return f;
            }
            // The connectors module directory itself (surefire's working directory).
            Path g = d.resolve(RELATIVE.subpath(1, RELATIVE.getNameCount()));
            if (Files.isRegularFile(g)) {
                return g;
            }
        }
        return null;
    }

    /** Reads and checks a classpath file: every entry must exist. */
    static String read(Path file) {
        String cp;
        try {
            cp = Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka broker classpath file " + file, e);
        }
        if (cp.isEmpty()) {
            throw new IllegalStateException("the Kafka broker classpath file " + file + " is empty; run ./pixelflow build");
        }
        List<String> missing = new ArrayList<>();
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (!Files.exists(Path.of(entry))) {
                missing.add(entry);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the Kafka broker classpath file " + file + " lists " + missing.size()
                    + " missing jar(s), e.g. " + missing.getFirst() + "; run ./pixelflow build");
        }
        return cp;
    }
}
