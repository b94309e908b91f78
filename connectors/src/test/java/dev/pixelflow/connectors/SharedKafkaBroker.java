package dev.pixelflow.connectors;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link LocalKafkaBroker} for the whole test JVM, started on first use and stopped by its shutdown hook
 * when the JVM exits. Tests share it and keep apart by using their own topics ({@link #uniqueTopic}).
 */
public final class SharedKafkaBroker {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private SharedKafkaBroker() {
    }

    private static LocalKafkaBroker broker;
    private static RuntimeException failure;

    /**
     * The shared broker, started on the first call. A failed start is not retried: every later call throws
     * the same error (with the broker log's tail) instead of starting broker after broker.
     */
    public static synchronized LocalKafkaBroker get() {
        if (failure != null) {
            throw new IllegalStateException("the shared Kafka broker failed to start: " + failure.getMessage(), failure);
        }
        if (broker == null) {
            try {
                broker = LocalKafkaBroker.start();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return broker;
    }

    /** Bootstrap servers of the shared broker. */
    public static String bootstrapServers() {
        return get().bootstrapServers();
    }

    /** A topic name no other test of this JVM uses: {@code prefix-N-random}. */
    public static String uniqueTopic(String prefix) {
        String clean = prefix.replaceAll("[^A-Za-z0-9._-]", "_").toLowerCase(Locale.ROOT);
        return clean + "-" + COUNTER.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffffL);
    }

    /** Creates a unique topic on the shared broker and returns its name. */
    public static String createUniqueTopic(String prefix, int partitions) {
        String name = uniqueTopic(prefix);
        get().createTopic(name, partitions);
        return name;
    }
}
