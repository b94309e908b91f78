package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.kafka.ConsumerSettings;
import org.junit.jupiter.api.Test;

/** Where {@link FrameFlows#consumerSettings} takes each key from. */
class FrameFlowsConsumerSettingsTest {

    @Test
    void pixelflowsPollIntervalWinsOverTheConnectorLibrarysDefault() {
        ConsumerSettings<String, byte[]> s = settings("");
        // Pekko's reference.conf says 50 ms; pixelflow's section must win whatever the order of the jars
        assertEquals(5, s.pollInterval().toMillis());
        assertEquals(50, s.pollTimeout().toMillis());
        assertEquals("false", s.getProperty("enable.auto.commit"));
    }

    @Test
    void userKeysInEitherSectionApply() {
        ConsumerSettings<String, byte[]> s = settings("""
                pixelflow.connectors.kafka-consumer.poll-interval = 20ms
                pekko.kafka.consumer.poll-timeout = 30ms
                pekko.kafka.consumer.kafka-clients.max.poll.records = 77
                pixelflow.connectors.kafka-consumer.kafka-clients.client.rack = rack-a
                """);
        assertEquals(20, s.pollInterval().toMillis());
        assertEquals(30, s.pollTimeout().toMillis());
        assertEquals("77", s.getProperty("max.poll.records"));
        assertEquals("rack-a", s.getProperty("client.rack"));
    }

    private static ConsumerSettings<String, byte[]> settings(String overrides) {
        ActorSystem system = ActorSystem.create("consumer-settings",
                ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()));
        try {
            return FrameFlows.consumerSettings(system);
        } finally {
            system.terminate();
        }
    }
}
