package dev.pixelflow.connectors;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One image frame as carried on a Kafka topic: an immutable value.
 *
 * <p>Layout: the payload holds {@code channels * height * width} values in CHW order (channel-major, the
 * last index, x, varies fastest); {@link DType#U8} stores one byte per value, {@link DType#F32} four bytes
 * per value, little-endian. The optional mask is a class map of {@code height * width} unsigned bytes
 * (row-major), one class id (0..255) per pixel. The optional label is an identity/class id; it is
 * {@code null} when absent (Kotlin sees {@code Int?}).
 *
 * <p>Byte arrays are copied on the way in and out, so a frame never changes after construction. Two
 * frames are {@link #equals equal} when every field and every byte is equal.
 */
public final class Frame {
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_NATIVE = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** {@code U8_TO_FLOAT[v] == v / 255f}, exactly rounded (a multiply by 1/255f would differ in the last bit). */
    private static final float[] U8_TO_FLOAT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            U8_TO_FLOAT[v] = v / 255f;
        }
    }

    /** Largest channel count the wire format can carry (an unsigned 16-bit field). */
    public static final int MAX_CHANNELS = 0xFFFF;

    private final DType dtype;
    private final int channels;
    private final int height;
    private final int width;
    private final long sequence;
    private final long timestampMillis;
    private final @Nullable Integer label;
    private final byte @Nullable [] mask;
    private final byte[] payload;

    /**
     * A frame; the arrays are copied.
     *
     * @param payload {@code channels * height * width * dtype.bytesPerValue()} bytes, CHW order
     * @param mask    {@code height * width} class ids, or null
     * @param label   identity/class id, or null
     * @throws IllegalArgumentException when a size is out of range or an array length disagrees with the shape
     */
    public Frame(DType dtype, int channels, int height, int width, long sequence, long timestampMillis,
            @Nullable Integer label, byte @Nullable [] mask, byte[] payload) {
        this(dtype, channels, height, width, sequence, timestampMillis, label,
                mask == null ? null : mask.clone(), Objects.requireNonNull(payload, "payload").clone(), true);
    }

    /** Takes ownership of the arrays (no copy): for decoders that just allocated them. */
    Frame(DType dtype, int channels, int height, int width, long sequence, long timestampMillis,
            @Nullable Integer label, byte @Nullable [] mask, byte[] payload, boolean owned) {
        Objects.requireNonNull(dtype, "dtype");
        if (channels < 1 || channels > MAX_CHANNELS || height < 1 || width < 1) {
            throw new IllegalArgumentException("frame shape must have 1.." + MAX_CHANNELS + " channels and positive"
                    + " height and width, got " + channels + "x" + height + "x" + width);
        }
        long values = (long) channels * height * width;
        long expected = values * dtype.bytesPerValue();
        if (payload.length != expected) {
            throw new IllegalArgumentException("payload of a " + dtype + " frame " + channels + "x" + height + "x"
                    + width + " must have " + expected + " bytes, got " + payload.length);
        }
        if (mask != null && mask.length != (long) height * width) {
            throw new IllegalArgumentException("mask of a " + height + "x" + width + " frame must have "
                    + (long) height * width + " bytes, got " + mask.length);
        }
        this.dtype = dtype;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.sequence = sequence;
        this.timestampMillis = timestampMillis;
        this.label = label;
        this.mask = mask;
        this.payload = payload;
    }

    /** An F32 frame from values in CHW order (written to the payload little-endian). */
    public static Frame ofFloats(int channels, int height, int width, float[] values, long sequence,
            long timestampMillis, @Nullable Integer label, byte @Nullable [] mask) {
        byte[] payload = new byte[Math.multiplyExact(values.length, Float.BYTES)];
        MemorySegment.copy(values, 0, MemorySegment.ofArray(payload), F32_LE, 0, values.length);
        return new Frame(DType.F32, channels, height, width, sequence, timestampMillis, label,
                mask == null ? null : mask.clone(), payload, true);
    }

    public DType dtype() {
        return dtype;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Producer-assigned sequence number (e.g. the camera's frame counter). */
    public long sequence() {
        return sequence;
    }

    /** Capture time in milliseconds since the epoch. */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** Identity/class label, or null when the frame carries none. */
    public @Nullable Integer label() {
        return label;
    }

    public boolean hasLabel() {
        return label != null;
    }

    public boolean hasMask() {
        return mask != null;
    }

    /** A copy of the mask ({@code height * width} class ids, row-major), or null. */
    public byte @Nullable [] mask() {
        return mask == null ? null : mask.clone();
    }

    /** A copy of the payload bytes (see the class comment for the layout). */
    public byte[] payload() {
        return payload.clone();
    }

    /** Number of values, {@code channels * height * width}. */
    public long valueCount() {
        return (long) channels * height * width;
    }

    byte[] payloadRef() {
        return payload;
    }

    byte @Nullable [] maskRef() {
        return mask;
    }

    /**
     * Writes the payload into {@code dst} as floats in CHW order: U8 values become {@code value / 255f}
     * (so 0..255 maps to [0, 1]), F32 values are copied unchanged.
     *
     * @param dst a tensor whose last three dimensions are {@code [channels, height, width]} and that holds
     *            exactly that many elements, e.g. {@code [C, H, W]} or one sample {@code batch.slice(i, i + 1)}
     *            of an NCHW batch
     * @return dst
     */
    public Tensor copyInto(Tensor dst) {
        requireTrailingShape(dst, valueCount(), "frame", channels, height, width);
        MemorySegment seg = dst.segment();
        int n = (int) valueCount();
        if (dtype == DType.F32) {
            MemorySegment.copy(MemorySegment.ofArray(payload), F32_LE, 0, seg, F32_NATIVE, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                seg.setAtIndex(F32_NATIVE, i, U8_TO_FLOAT[payload[i] & 0xFF]);
            }
        }
        return dst;
    }

    /**
     * Writes the mask's class ids into {@code dst} as floats (class id {@code k} becomes {@code k}).
     *
     * @param dst a tensor whose last two dimensions are {@code [height, width]} and that holds exactly
     *            {@code height * width} elements, e.g. {@code [1, H, W]}
     * @throws IllegalStateException when the frame has no mask
     * @return dst
     */
    public Tensor copyMaskInto(Tensor dst) {
        if (mask == null) {
            throw new IllegalStateException("frame " + sequence + " has no mask");
        }
        requireTrailingShape(dst, (long) height * width, "mask", height, width);
        MemorySegment seg = dst.segment();
        for (int i = 0; i < mask.length; i++) {
            seg.setAtIndex(F32_NATIVE, i, mask[i] & 0xFF);
        }
        return dst;
    }

    /** The value at {@code (c, y, x)} as {@link #copyInto} would write it. */
    public float value(int c, int y, int x) {
        if (c < 0 || c >= channels || y < 0 || y >= height || x < 0 || x >= width) {
            throw new IllegalArgumentException("index (" + c + ", " + y + ", " + x + ") out of range for frame "
                    + channels + "x" + height + "x" + width);
        }
        int i = (c * height + y) * width + x;
        return dtype == DType.U8 ? U8_TO_FLOAT[payload[i] & 0xFF]
                : MemorySegment.ofArray(payload).getAtIndex(F32_LE, i);
    }

    private static void requireTrailingShape(Tensor dst, long elements, String what, int... dims) {
        int[] s = dst.shape();
        boolean ok = dst.size() == elements && s.length >= dims.length;
        for (int i = 0; ok && i < dims.length; i++) {
            ok = s[s.length - dims.length + i] == dims[i];
        }
        if (!ok) {
            throw new IllegalArgumentException("cannot copy a " + what + " of shape " + Arrays.toString(dims)
                    + " into a tensor of shape " + dst.shapeString());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && dtype == f.dtype && channels == f.channels && height == f.height
                && width == f.width && sequence == f.sequence && timestampMillis == f.timestampMillis
                && Objects.equals(label, f.label) && Arrays.equals(mask, f.mask) && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(dtype, channels, height, width, sequence, timestampMillis, label);
        return 31 * (31 * h + Arrays.hashCode(mask)) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Frame[" + dtype + " " + channels + "x" + height + "x" + width + ", seq " + sequence + ", ts "
                + timestampMillis + (label == null ? "" : ", label " + label) + (mask == null ? "" : ", mask") + "]";
    }
}
