package dev.pixelflow.connectors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks the input topic and creates missing output topics (results, dead letters, metrics) before a pipeline
 * starts, so that a first produce does not fail on a broker with {@code auto.create.topics.enable=false} (the
 * usual production setting, and the local broker's) and a mistyped input topic fails at once with its name.
 *
 * <p>Created topics get the input topic's partition count unless {@code partitions} is set, so results keyed
 * like their frames land on the partition number of their source; the replication factor defaults to the
 * broker's {@code default.replication.factor}. Existing topics are left exactly as they are. Read from
 * {@value #SECTION} (see {@code reference.conf}).
 *
 * @param createMissing     create output topics that do not exist (otherwise a missing one is an error)
 * @param partitions        partitions of a created topic; 0 means "as many as the input topic"
 * @param replicationFactor replication factor of a created topic; 0 means the broker's default
 * @param configs           topic configs of a created topic (e.g. {@code retention.ms})
 */
public record TopicSetup(boolean createMissing, int partitions, int replicationFactor, Map<String, String> configs) {
    /** The config section read by {@link #fromConfig}. */
    public static final String SECTION = "pixelflow.connectors.topics";

    public TopicSetup {
        if (partitions < 0) {
            throw new IllegalArgumentException("topics.partitions must be >= 0 (0 = as the input topic), got "
                    + partitions);
        }
        if (replicationFactor < 0 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("topics.replication-factor must be in 0.." + Short.MAX_VALUE
                    + " (0 = the broker's default), got " + replicationFactor);
        }
        configs = Map.copyOf(Objects.requireNonNull(configs, "configs"));
    }

    /** Create missing topics like the input topic, replication as the broker's default. */
    public static TopicSetup defaults() {
        return new TopicSetup(true, 0, 0, Map.of());
    }

    /** Reads {@value #SECTION} from {@code config}. */
    public static TopicSetup fromConfig(Config config) {
        Config c = config.getConfig(SECTION);
        Map<String, String> configs = new LinkedHashMap<>();
        // "retention.ms" = 1 (quoted) and retention.ms = 1 (a nested path) both name the topic config retention.ms.
        c.getConfig("configs").entrySet().forEach(e -> configs.put(String.join(".", ConfigUtil.splitPath(e.getKey())),
                String.valueOf(e.getValue().unwrapped())));
        return new TopicSetup(c.getBoolean("create-missing"), c.getInt("partitions"), c.getInt("replication-factor"),
                configs);
    }

    /**
     * An admin client from Kafka client properties (e.g. a consumer's: bootstrap servers, SASL/SSL); properties
     * that are not admin settings (group id, deserializers, ...) are left out.
     */
    public static Admin admin(Map<String, ?> clientProperties) {
        Map<String, Object> p = new LinkedHashMap<>();
        Set<String> names = AdminClientConfig.configNames();
        clientProperties.forEach((k, v) -> {
            if (names.contains(k) || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                p.put(k, v);
            }
        });
        if (!p.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("the Kafka client properties have no bootstrap.servers");
        }
        return Admin.create(p);
    }

    /**
     * Checks that {@code inputTopic} exists and makes sure every output topic exists.
     *
     * @return the partition count of the input and of every output topic, by name
     * @throws IllegalStateException when the input topic does not exist, an output topic is missing and
     *                               {@code createMissing} is off, or Kafka does not answer within {@code timeout}
     */
    public Map<String, Integer> ensure(Admin admin, String inputTopic, Collection<String> outputTopics,
                                       Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(inputTopic, "inputTopic");
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> outputs = new LinkedHashSet<>(outputTopics);
        outputs.remove(inputTopic);
        Map<String, Integer> partitionsByTopic = new LinkedHashMap<>();
        Integer input = describe(admin, List.of(inputTopic), deadline).get(inputTopic);
        if (input == null) {
            throw new IllegalStateException("the input topic '" + inputTopic + "' does not exist on "
                    + "the Kafka cluster; create it (e.g. kafka-topics.sh --create --topic " + inputTopic
                    + ") or check the name");
        }
        partitionsByTopic.put(inputTopic, input);
        Map<String, Integer> existing = describe(admin, outputs, deadline);
        List<NewTopic> missing = new ArrayList<>();
        for (String t : outputs) {
            if (!existing.containsKey(t)) {
                if (!createMissing) {
                    throw new IllegalStateException("the output topic '" + t + "' does not exist and "
                            + SECTION + ".create-missing is off; create it first");
                }
                int n = partitions == 0 ? input : partitions;
                missing.add(new NewTopic(t, Optional.of(n), replicationFactor == 0 ? Optional.empty()
                        : Optional.of((short) replicationFactor)).configs(configs));
            }
        }
        if (!missing.isEmpty()) {
            admin.createTopics(missing).values().forEach((name, f) -> {
                try {
                    f.get(remaining(deadline), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    // Another node of the same job may have created it meanwhile: that is fine.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic '" + name + "': " + e.getCause().getMessage(),
                                e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("Kafka did not create topic '" + name + "' in " + timeout, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic '" + name + "'", e);
                }
            });
            existing = awaitVisible(admin, outputs, deadline);
        }
        for (String t : outputs) {
            Integer n = existing.get(t);
            if (n == null) {
                throw new IllegalStateException("topic '" + t + "' was created but is not visible after " + timeout);
            }
            partitionsByTopic.put(t, n);
        }
        return partitionsByTopic;
    }

    /** Partition counts of those of {@code topics} that exist. */
    private static Map<String, Integer> describe(Admin admin, Collection<String> topics, long deadline) {
        Map<String, Integer> found = new LinkedHashMap<>();
        for (var e : admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                TopicDescription d = e.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
                found.put(e.getKey(), d.partitions().size());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topic '" + e.getKey() + "': "
                            + ex.getCause().getMessage(), ex.getCause());
                }
            } catch (TimeoutException ex) {
                throw new IllegalStateException("Kafka did not describe topic '" + e.getKey()
                        + "' in time (is bootstrap.servers right and the cluster up?)", ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing topic '" + e.getKey() + "'", ex);
            }
        }
        return found;
    }

    /** Describes until every topic is visible: a new topic's metadata reaches the brokers a moment later. */
    private static Map<String, Integer> awaitVisible(Admin admin, Set<String> topics, long deadline) {
        while (true) {
            Map<String, Integer> found = describe(admin, topics, deadline);
            if (found.keySet().containsAll(topics) || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for new topics", e);
            }
        }
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }
}
