package dev.pixelflow.connectors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Embedding result values: a float32 vector, 4 bytes per element, little-endian, nothing else (the
 * dimension is the value length / 4; {@link FrameHeaders#shape} may state it too).
 */
public final class EmbeddingEncoding {
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private EmbeddingEncoding() {
    }

    public static byte[] encode(float[] embedding) {
        byte[] out = new byte[Math.multiplyExact(embedding.length, Float.BYTES)];
        MemorySegment.copy(embedding, 0, MemorySegment.ofArray(out), F32_LE, 0, embedding.length);
        return out;
    }

    /** @throws FrameDecodeException when the length is not a multiple of 4 */
    public static float[] decode(byte[] value) {
        if (value.length % Float.BYTES != 0) {
            throw new FrameDecodeException("embedding value of " + value.length + " bytes is not a whole number of float32s");
        }
        float[] out = new float[value.length / Float.BYTES];
        MemorySegment.copy(MemorySegment.ofArray(value), F32_LE, 0, out, 0, out.length);
        return out;
    }
}
