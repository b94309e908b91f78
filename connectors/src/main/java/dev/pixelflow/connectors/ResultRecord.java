package dev.pixelflow.connectors;

import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * One output record computed from a decoded frame; {@link FrameFlows#toProducerEnvelope} adds the standard
 * {@link FrameHeaders#output output headers} (model version, source topic, partition, offset) before
 * {@code extraHeaders}.
 *
 * @param topic        destination topic
 * @param key          record key, or null (Kafka then picks the partition)
 * @param value        record value
 * @param extraHeaders more headers, e.g. {@link FrameHeaders#shape}; may be empty
 */
public record ResultRecord(String topic, @Nullable String key, byte[] value, Headers extraHeaders) {
    public ResultRecord {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("result topic must be non-empty, got '" + topic + "'");
        }
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(extraHeaders, "extraHeaders");
    }

    /** A result record without extra headers. */
    public static ResultRecord of(String topic, @Nullable String key, byte[] value) {
        return new ResultRecord(topic, key, value, new RecordHeaders());
    }

    /** The output headers for an input record followed by {@link #extraHeaders}. */
    Headers headers(String modelVersion, String sourceTopic, int sourcePartition, long sourceOffset) {
        Headers h = FrameHeaders.output(modelVersion, sourceTopic, sourcePartition, sourceOffset);
        for (Header extra : extraHeaders) {
            h.add(extra);
        }
        return h;
    }
}
