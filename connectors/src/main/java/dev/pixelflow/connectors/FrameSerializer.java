package dev.pixelflow.connectors;

import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/** Kafka serializer writing frames in wire format v1 ({@link FrameCodec}); null in, null out. */
public final class FrameSerializer implements Serializer<Frame> {

    @Override
    public byte @Nullable [] serialize(String topic, @Nullable Frame frame) {
        return frame == null ? null : FrameCodec.encode(frame);
    }
}
