package dev.pixelflow.connectors;

/** Element type of a frame's payload, with its code in the wire format. */
public enum DType {
    /** Unsigned 8-bit values, one byte each; read into tensors as {@code value / 255f}. */
    U8(0, 1),
    /** IEEE 754 float32, four bytes each, little-endian; read into tensors unchanged. */
    F32(1, 4);

    private final int code;
    private final int bytesPerValue;

    DType(int code, int bytesPerValue) {
        this.code = code;
        this.bytesPerValue = bytesPerValue;
    }

    /** The value of the dtype byte in the wire format. */
    public int code() {
        return code;
    }

    public int bytesPerValue() {
        return bytesPerValue;
    }

    /** The dtype with the given wire code, or null when there is none. */
    static @org.jspecify.annotations.Nullable DType ofCode(int code) {
        for (DType d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        return null;
    }
}
