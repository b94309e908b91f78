package dev.pixelflow.connectors;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * pixelflow's own settings for {@link FrameFlows}, read from the {@code pixelflow.connectors} section (see
 * this module's {@code reference.conf}). Kafka client properties are not here: they come from Pekko's
 * {@code pekko.kafka.consumer.kafka-clients} and {@code pekko.kafka.producer.kafka-clients} sections.
 *
 * @param frameLimits            limits checked before a frame is decoded
 * @param deadLetterTopicSuffix  appended to an input topic's name to name its dead-letter topic
 */
public record FrameFlowSettings(FrameLimits frameLimits, String deadLetterTopicSuffix) {
    /** The config section read by {@link #fromConfig}. */
    public static final String SECTION = "pixelflow.connectors";

    public FrameFlowSettings {
        Objects.requireNonNull(frameLimits, "frameLimits");
        if (deadLetterTopicSuffix == null || deadLetterTopicSuffix.isEmpty()) {
            throw new IllegalArgumentException("dead-letter-topic-suffix must be non-empty, got '"
                    + deadLetterTopicSuffix + "'");
        }
    }

    /** Reads {@value #SECTION} from {@code config} (normally {@code actorSystem.settings().config()}). */
    public static FrameFlowSettings fromConfig(Config config) {
        Config c = config.getConfig(SECTION);
        Config l = c.getConfig("frame-limits");
        return new FrameFlowSettings(new FrameLimits(l.getInt("max-width"), l.getInt("max-height"),
                l.getInt("max-channels"), l.getBytes("max-bytes")), c.getString("dead-letter-topic-suffix"));
    }

    /** The dead-letter topic of {@code inputTopic}: its name followed by the suffix. */
    public String deadLetterTopic(String inputTopic) {
        return inputTopic + deadLetterTopicSuffix;
    }
}
