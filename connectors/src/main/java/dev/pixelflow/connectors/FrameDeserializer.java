package dev.pixelflow.connectors;

import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * Kafka deserializer for frame record values: a v1 binary frame (magic "PXFR", {@link FrameCodec}) or a
 * plain PNG/JPEG with labels in headers ({@link ImageFrames}), told apart by their first bytes.
 *
 * <p>Kafka's contract: a null value gives null; anything that is not a valid frame throws a
 * {@link FrameDecodeException} (a {@code SerializationException}) naming the problem, and a frame over
 * the limits a {@link FrameTooLargeException}, before anything sized from the record is allocated.
 *
 * <p>Configuration ({@link #configure}); each key is optional and defaults to {@link FrameLimits#DEFAULT}:
 * {@value #MAX_WIDTH}, {@value #MAX_HEIGHT}, {@value #MAX_CHANNELS}, {@value #MAX_BYTES}.
 */
public final class FrameDeserializer implements Deserializer<Frame> {
    public static final String MAX_WIDTH = "pixelflow.frame.max.width";
    public static final String MAX_HEIGHT = "pixelflow.frame.max.height";
    public static final String MAX_CHANNELS = "pixelflow.frame.max.channels";
    public static final String MAX_BYTES = "pixelflow.frame.max.bytes";

    private volatile FrameLimits limits;

    /** With {@link FrameLimits#DEFAULT} until {@link #configure} says otherwise. */
    public FrameDeserializer() {
        this(FrameLimits.DEFAULT);
    }

    public FrameDeserializer(FrameLimits limits) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
    }

    /** The limits in force. */
    public FrameLimits limits() {
        return limits;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        FrameLimits d = FrameLimits.DEFAULT;
        limits = new FrameLimits(
                (int) number(configs, MAX_WIDTH, d.maxWidth(), Integer.MAX_VALUE),
                (int) number(configs, MAX_HEIGHT, d.maxHeight(), Integer.MAX_VALUE),
                (int) number(configs, MAX_CHANNELS, d.maxChannels(), Frame.MAX_CHANNELS),
                number(configs, MAX_BYTES, d.maxBytes(), Long.MAX_VALUE));
    }

    private static long number(Map<String, ?> configs, String key, long fallback, long max) {
        Object v = configs.get(key);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
        }
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(key + " must be in [1, " + max + "], got " + n);
        }
        return n;
    }

    @Override
    public @Nullable Frame deserialize(String topic, byte @Nullable [] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public @Nullable Frame deserialize(String topic, @Nullable Headers headers, byte @Nullable [] data) {
        if (data == null) {
            return null;
        }
        if (FrameCodec.hasMagic(data)) {
            return FrameCodec.decode(data, limits);
        }
        if (ImageFrames.isImage(data)) {
            return ImageFrames.fromImage(data, headers, limits);
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(8, data.length); i++) {
            head.append(String.format("%02x", data[i] & 0xFF));
        }
        throw new FrameDecodeException("unknown record format: " + data.length + " bytes starting " + head
                + ", expected a v1 frame (\"PXFR\"), a PNG or a JPEG");
    }
}
