package dev.pixelflow.streams.cluster;

/**
 * Marker of every message that crosses nodes: bound to Pekko's {@code jackson-cbor} serializer in this module's
 * {@code reference.conf}, so no message falls back to Java serialization (which stays disabled).
 */
public interface CborSerializable {
}
