package dev.pixelflow.streams.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Parameters on the wire: float32 little-endian, as a byte array (CBOR carries it as one binary string, 4 bytes a
 * value, instead of an array of numbers).
 */
public final class ParameterBlob {
    private ParameterBlob() {
    }

    public static byte[] bytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** @throws IllegalArgumentException when the length is not a multiple of 4 */
    public static float[] floats(byte[] bytes) {
        if (bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("parameter blob of " + bytes.length
                    + " bytes is not a whole number of float32 values");
        }
        float[] v = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
