package dev.pixelflow.connectors;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing frames in wire format v1 ({@link FrameCodec}); null in, null out. */
public final class FrameSerializer implements Serializer<Frame> {

    @Override
    public byte[] serialize(String topic, Frame frame) {
        return frame == null ? null : FrameCodec.encode(frame);
    }
}
