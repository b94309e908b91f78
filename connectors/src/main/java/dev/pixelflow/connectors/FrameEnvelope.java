package dev.pixelflow.connectors;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.jspecify.annotations.Nullable;

/**
 * One input record after the decode stage of {@link FrameFlows}: either a {@link Decoded} frame or a
 * {@link Failed} record that did not decode. Both carry the record's {@link CommittableOffset} and its source
 * topic, partition and offset, so that failures are committed in order together with the successes.
 */
public sealed interface FrameEnvelope permits FrameEnvelope.Decoded, FrameEnvelope.Failed {

    /** Topic of the input record. */
    String topic();

    /** Partition of the input record. */
    int partition();

    /** Offset of the input record. */
    long offset();

    /** Key of the input record (UTF-8 text), or null. */
    @Nullable String key();

    /** The offset to commit once everything produced for this record is acknowledged. */
    CommittableOffset committableOffset();

    /** A record whose value decoded to {@code frame}. */
    record Decoded(Frame frame, String topic, int partition, long offset, @Nullable String key,
            CommittableOffset committableOffset) implements FrameEnvelope {
        public Decoded {
            Objects.requireNonNull(frame, "frame");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(committableOffset, "committableOffset");
        }
    }

    /**
     * A record whose value is not a frame.
     *
     * @param reason  why decoding failed (the decoder's message)
     * @param error   simple class name of the decoding exception, e.g. {@code FrameTooLargeException}
     * @param value   the original value bytes (null for a tombstone); not copied
     * @param headers the original record headers
     */
    record Failed(String reason, String error, byte @Nullable [] value, Headers headers, String topic, int partition,
            long offset, @Nullable String key, CommittableOffset committableOffset) implements FrameEnvelope {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(headers, "headers");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(committableOffset, "committableOffset");
        }
    }
}
