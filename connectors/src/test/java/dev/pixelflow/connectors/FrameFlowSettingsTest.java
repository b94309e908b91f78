package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class FrameFlowSettingsTest {

    @Test
    void referenceConfDefaultsMatchTheCodeDefaults() {
        FrameFlowSettings s = FrameFlowSettings.fromConfig(ConfigFactory.load());
        assertEquals(FrameLimits.DEFAULT, s.frameLimits());
        assertEquals("frames.dlq", s.deadLetterTopic("frames"));
        // Kafka client properties stay in Pekko's sections, which reference.conf leaves alone.
        assertEquals("false", ConfigFactory.load().getString("pekko.kafka.consumer.kafka-clients.enable.auto.commit"));
    }

    @Test
    void overridesAndBadValues() {
        FrameFlowSettings s = FrameFlowSettings.fromConfig(ConfigFactory.parseString(
                "pixelflow.connectors { frame-limits.max-bytes = 1 MiB, dead-letter-topic-suffix = -dead }")
                .withFallback(ConfigFactory.load()));
        assertEquals(1L << 20, s.frameLimits().maxBytes());
        assertEquals("in-dead", s.deadLetterTopic("in"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameFlowSettings.fromConfig(
                ConfigFactory.parseString("pixelflow.connectors.frame-limits.max-width = 0")
                        .withFallback(ConfigFactory.load())));
        assertTrue(e.getMessage().contains("width 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FrameFlowSettings(FrameLimits.DEFAULT, ""));
    }
}
