/**
 * Between Kafka records and tensors: the {@link dev.pixelflow.connectors.Frame} value, wire format v1
 * ({@link dev.pixelflow.connectors.FrameCodec}), PNG/JPEG frames
 * ({@link dev.pixelflow.connectors.ImageFrames}), frame limits checked before allocating, Kafka serdes,
 * result encoders (masks, embeddings, metrics JSON) and the record header names
 * ({@link dev.pixelflow.connectors.FrameHeaders}). The formats are documented in
 * {@code connectors/docs/wire-format.md}.
 */
package dev.pixelflow.connectors;
