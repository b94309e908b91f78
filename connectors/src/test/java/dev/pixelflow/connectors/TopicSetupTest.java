package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Against the shared real broker (auto.create.topics.enable=false). */
class TopicSetupTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Admin admin() {
        return TopicSetup.admin(Map.of("bootstrap.servers", SharedKafkaBroker.bootstrapServers(),
                "group.id", "ignored-by-admin", "key.deserializer", "ignored"));
    }

    @Test
    void createsMissingOutputsLikeTheInputAndLeavesExistingOnesAlone() throws Exception {
        String input = SharedKafkaBroker.createUniqueTopic("setup-in", 3);
        String existing = SharedKafkaBroker.createUniqueTopic("setup-existing", 1);
        String results = SharedKafkaBroker.uniqueTopic("setup-results");
        String dlq = input + ".dlq";
        TopicSetup setup = new TopicSetup(true, 0, 0, Map.of("retention.ms", "3600000"));
        try (Admin admin = admin()) {
            Map<String, Integer> got = setup.ensure(admin, input, List.of(results, dlq, existing, input), TIMEOUT);
            assertEquals(Map.of(input, 3, results, 3, dlq, 3, existing, 1), got);
            assertTrue(SharedKafkaBroker.get().topics().containsAll(List.of(results, dlq)));
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, results);
            ConfigEntry retention = admin.describeConfigs(List.of(r)).all().get().get(r).get("retention.ms");
            assertEquals("3600000", retention.value());
            // A second start (or another node) finds everything in place.
            assertEquals(got, setup.ensure(admin, input, List.of(results, dlq, existing), TIMEOUT));
        }
    }

    @Test
    void fixedPartitionCount() {
        String input = SharedKafkaBroker.createUniqueTopic("setup-in", 2);
        String out = SharedKafkaBroker.uniqueTopic("setup-out");
        try (Admin admin = admin()) {
            assertEquals(5, new TopicSetup(true, 5, 1, Map.of()).ensure(admin, input, List.of(out), TIMEOUT).get(out));
        }
    }

    @Test
    void aMissingInputOrForbiddenCreationIsAClearError() {
        String input = SharedKafkaBroker.uniqueTopic("setup-missing-in");
        String out = SharedKafkaBroker.uniqueTopic("setup-out");
        try (Admin admin = admin()) {
            String m = assertThrows(IllegalStateException.class,
                    () -> TopicSetup.defaults().ensure(admin, input, List.of(out), TIMEOUT)).getMessage();
            assertTrue(m.contains("input topic '" + input + "' does not exist"), m);
            String realInput = SharedKafkaBroker.createUniqueTopic("setup-in", 1);
            m = assertThrows(IllegalStateException.class,
                    () -> new TopicSetup(false, 0, 0, Map.of()).ensure(admin, realInput, List.of(out), TIMEOUT))
                    .getMessage();
            assertTrue(m.contains("output topic '" + out + "' does not exist") && m.contains("create-missing"), m);
            assertFalse(SharedKafkaBroker.get().topics().contains(out), "nothing created");
        }
    }

    @Test
    void settingsFromConfigAndValidation() {
        TopicSetup s = TopicSetup.fromConfig(ConfigFactory.parseString(
                "pixelflow.connectors.topics { configs { \"retention.ms\" = 60000, cleanup.policy = delete } }")
                .withFallback(ConfigFactory.defaultReference()));
        assertTrue(s.createMissing());
        assertEquals(0, s.partitions());
        assertEquals(Map.of("retention.ms", "60000", "cleanup.policy", "delete"), s.configs());
        assertEquals(TopicSetup.defaults(), TopicSetup.fromConfig(ConfigFactory.defaultReference()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TopicSetup(true, -1, 0, Map.of()))
                .getMessage().contains("partitions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TopicSetup(true, 0, 40000, Map.of()))
                .getMessage().contains("replication-factor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopicSetup.admin(Map.of("group.id", "g")))
                .getMessage().contains("bootstrap.servers"));
    }
}
