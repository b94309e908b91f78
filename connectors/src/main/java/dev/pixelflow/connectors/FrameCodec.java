package dev.pixelflow.connectors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Frame wire format v1: encoder and validating decoder. The layout is documented byte by byte in
 * {@code connectors/docs/wire-format.md}; all integers are little-endian:
 *
 * <pre>
 * offset size field
 *      0    4 magic "PXFR" (0x50 0x58 0x46 0x52)
 *      4    1 version = 1
 *      5    1 dtype: 0 = U8, 1 = F32
 *      6    1 flags: bit 0 = has label, bit 1 = has mask, other bits 0
 *      7    1 reserved = 0
 *      8    2 channels (u16, >= 1)
 *     10    4 height (u32, >= 1)
 *     14    4 width (u32, >= 1)
 *     18    8 sequence (i64)
 *     26    8 timestamp, ms since the epoch (i64)
 *     34    4 label (i32), only when flag bit 0 is set
 *      .    4 payload length (u32) = channels * height * width * (1 or 4)
 *      .    n payload, CHW order
 *      .    4 mask length (u32) = height * width, only when flag bit 1 is set
 *      .    m mask, row-major class ids
 *      .    4 CRC32C (Castagnoli) of every byte before it
 * </pre>
 *
 * <p>Decoding checks, in this order and before allocating anything sized by the record: the fixed header
 * fields, the geometry against {@link FrameLimits}, each length field against the geometry, the total
 * length against the bytes present (no truncation, no trailing bytes), then the checksum. Any failure is a
 * {@link FrameDecodeException} (or its subclass {@link FrameTooLargeException}) naming the field.
 */
public final class FrameCodec {
    /** The four magic bytes, "PXFR". */
    public static final byte[] MAGIC = {'P', 'X', 'F', 'R'};
    public static final int VERSION = 1;
    static final int FLAG_LABEL = 1;
    static final int FLAG_MASK = 2;
    /** Bytes before the optional label: magic .. timestamp. */
    static final int FIXED_HEADER = 34;
    /** Smallest possible record: header, payload length, one payload byte, checksum. */
    static final int MIN_LENGTH = FIXED_HEADER + 4 + 1 + 4;

    private FrameCodec() {
    }

    /** True when {@code data} starts with the v1 magic (any version byte). */
    public static boolean hasMagic(byte[] data) {
        return data.length >= 4 && data[0] == MAGIC[0] && data[1] == MAGIC[1] && data[2] == MAGIC[2]
                && data[3] == MAGIC[3];
    }

    /** Size in bytes of the encoding of {@code frame}. */
    public static long encodedLength(Frame frame) {
        return FIXED_HEADER + (frame.hasLabel() ? 4 : 0) + 4L + frame.payloadRef().length
                + (frame.hasMask() ? 4L + frame.maskRef().length : 0) + 4;
    }

    /**
     * Encodes a frame in wire format v1.
     *
     * @throws FrameTooLargeException when the encoding would not fit in a Java array
     */
    public static byte[] encode(Frame frame) {
        Objects.requireNonNull(frame, "frame");
        long length = encodedLength(frame);
        if (length > Integer.MAX_VALUE - 8) {
            throw new FrameTooLargeException("frame " + frame + " needs " + length + " bytes encoded, more than an array holds");
        }
        byte[] out = new byte[(int) length];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) VERSION).put((byte) frame.dtype().code())
                .put((byte) ((frame.hasLabel() ? FLAG_LABEL : 0) | (frame.hasMask() ? FLAG_MASK : 0))).put((byte) 0)
                .putShort((short) frame.channels()).putInt(frame.height()).putInt(frame.width())
                .putLong(frame.sequence()).putLong(frame.timestampMillis());
        Integer label = frame.label();
        if (label != null) {
            b.putInt(label);
        }
        byte[] payload = frame.payloadRef();
        b.putInt(payload.length).put(payload);
        byte[] mask = frame.maskRef();
        if (mask != null) {
            b.putInt(mask.length).put(mask);
        }
        CRC32C crc = new CRC32C();
        crc.update(out, 0, b.position());
        b.putInt((int) crc.getValue());
        assert b.position() == out.length;
        return out;
    }

    /**
     * Decodes a v1 frame, validating it completely (see the class comment) before allocating.
     *
     * @throws FrameDecodeException     when the bytes are not a valid v1 frame
     * @throws FrameTooLargeException   when the declared geometry breaks {@code limits}
     */
    public static Frame decode(byte[] data, FrameLimits limits) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(limits, "limits");
        if (data.length < MIN_LENGTH) {
            throw new FrameDecodeException("truncated frame: " + data.length + " bytes, a v1 frame has at least "
                    + MIN_LENGTH + (data.length == 0 ? "" : " (starts " + head(data) + ")"));
        }
        if (!hasMagic(data)) {
            throw new FrameDecodeException("bad magic: expected 50584652 (\"PXFR\"), got " + head(data));
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.get(4) & 0xFF;
        if (version != VERSION) {
            throw new FrameDecodeException("unsupported frame version " + version + ", this decoder reads version "
                    + VERSION);
        }
        int dtypeCode = b.get(5) & 0xFF;
        DType dtype = DType.ofCode(dtypeCode);
        if (dtype == null) {
            throw new FrameDecodeException("unknown dtype code " + dtypeCode + " (0 = U8, 1 = F32)");
        }
        int flags = b.get(6) & 0xFF;
        if ((flags & ~(FLAG_LABEL | FLAG_MASK)) != 0) {
            throw new FrameDecodeException("unknown flag bits in flags byte 0x" + Integer.toHexString(flags));
        }
        int reserved = b.get(7) & 0xFF;
        if (reserved != 0) {
            throw new FrameDecodeException("reserved byte 7 must be 0, got " + reserved);
        }
        int channels = b.getShort(8) & 0xFFFF;
        long height = b.getInt(10) & 0xFFFF_FFFFL;
        long width = b.getInt(14) & 0xFFFF_FFFFL;
        if (channels == 0 || height == 0 || width == 0) {
            throw new FrameDecodeException("empty frame: channels " + channels + ", height " + height + ", width " + width);
        }
        if (height > limits.maxHeight() || width > limits.maxWidth()) {
            throw new FrameTooLargeException("frame of " + height + "x" + width + " pixels exceeds the limit of "
                    + limits.maxHeight() + "x" + limits.maxWidth());
        }
        long payloadBytes = limits.check(channels, (int) height, (int) width, dtype.bytesPerValue());
        long sequence = b.getLong(18);
        long timestamp = b.getLong(26);
        boolean hasLabel = (flags & FLAG_LABEL) != 0;
        boolean hasMask = (flags & FLAG_MASK) != 0;
        int pos = FIXED_HEADER;
        Integer label = null;
        if (hasLabel) {
            label = b.getInt(pos);
            pos += 4;
        }
        long declaredPayload = b.getInt(pos) & 0xFFFF_FFFFL;
        pos += 4;
        if (declaredPayload != payloadBytes) {
            throw new FrameDecodeException("payload length field says " + declaredPayload + " bytes, a " + dtype
                    + " frame " + channels + "x" + height + "x" + width + " has " + payloadBytes);
        }
        long maskBytes = hasMask ? height * width : 0;
        long expectedTotal = pos + payloadBytes + (hasMask ? 4 + maskBytes : 0) + 4;
        if (data.length < expectedTotal) {
            throw new FrameDecodeException("truncated frame: header declares " + expectedTotal + " bytes, record has "
                    + data.length);
        }
        if (data.length > expectedTotal) {
            throw new FrameDecodeException("trailing bytes: header declares " + expectedTotal + " bytes, record has "
                    + data.length);
        }
        int payloadAt = pos;
        int maskAt = 0;
        if (hasMask) {
            int maskLengthAt = (int) (payloadAt + payloadBytes);
            long declaredMask = b.getInt(maskLengthAt) & 0xFFFF_FFFFL;
            if (declaredMask != maskBytes) {
                throw new FrameDecodeException("mask length field says " + declaredMask + " bytes, a " + height + "x"
                        + width + " mask has " + maskBytes);
            }
            maskAt = maskLengthAt + 4;
        }
        int crcAt = data.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(data, 0, crcAt);
        int expectedCrc = (int) crc.getValue();
        int storedCrc = b.getInt(crcAt);
        if (expectedCrc != storedCrc) {
            throw new FrameDecodeException("checksum mismatch: stored CRC32C " + hex(storedCrc) + ", computed "
                    + hex(expectedCrc) + " over " + crcAt + " bytes");
        }
        // Everything is consistent and every size is within the limits: now allocate.
        byte[] payload = new byte[(int) payloadBytes];
        System.arraycopy(data, payloadAt, payload, 0, payload.length);
        byte[] mask = null;
        if (hasMask) {
            mask = new byte[(int) maskBytes];
            System.arraycopy(data, maskAt, mask, 0, mask.length);
        }
        return new Frame(dtype, channels, (int) height, (int) width, sequence, timestamp, label, mask, payload, true);
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }

    private static String head(byte[] data) {
        return HexFormat.of().formatHex(data, 0, Math.min(8, data.length));
    }
}
