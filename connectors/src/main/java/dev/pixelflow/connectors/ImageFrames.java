package dev.pixelflow.connectors;

import dev.pixelflow.connectors.internal.ImageDecoding;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Frames from plain PNG/JPEG record values, with labels in record headers (see {@link FrameHeaders}).
 *
 * <p>Grey images (and palette images whose colours are all grey, e.g. 1-bit PNGs) become 1-channel U8
 * frames, 16-bit grey reduced to its high byte; colour and palette images become 3-channel U8 frames in
 * R, G, B order; alpha is dropped. The image header's width and height are checked against the limits before
 * any pixel is decoded. The optional mask is a PNG in header {@link FrameHeaders#MASK} of the same size,
 * whose first band gives each pixel's class id (0..255); it is checked the same way.
 */
public final class ImageFrames {
    private ImageFrames() {
    }

    /** True when {@code value} starts with a PNG or JPEG signature. */
    public static boolean isImage(byte[] value) {
        return ImageDecoding.isPng(value) || ImageDecoding.isJpeg(value);
    }

    /** Decodes an image record value with its Kafka headers (may be null). */
    public static Frame fromImage(byte[] value, @Nullable Headers headers, FrameLimits limits) {
        return fromImage(value, name -> {
            if (headers == null) {
                return null;
            }
            Header h = headers.lastHeader(name);
            return h == null ? null : h.value();
        }, limits);
    }

    /** Decodes an image record value with headers given as a map from name to raw value. */
    public static Frame fromImage(byte[] value, Map<String, byte[]> headers, FrameLimits limits) {
        Objects.requireNonNull(headers, "headers");
        return fromImage(value, headers::get, limits);
    }

    private interface HeaderLookup {
        byte @Nullable [] get(String name);
    }

    private static Frame fromImage(byte[] value, HeaderLookup headers, FrameLimits limits) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(limits, "limits");
        BufferedImage image = ImageDecoding.read(value, limits, "image");
        int channels = ImageDecoding.channels(image);
        int h = image.getHeight();
        int w = image.getWidth();
        limits.check(channels, h, w, 1);
        byte[] payload = ImageDecoding.toChw(image);
        Integer label = null;
        byte[] rawLabel = headers.get(FrameHeaders.LABEL);
        if (rawLabel != null) {
            label = (int) parse(rawLabel, FrameHeaders.LABEL, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        long sequence = optionalLong(headers.get(FrameHeaders.SEQUENCE), FrameHeaders.SEQUENCE);
        long timestamp = optionalLong(headers.get(FrameHeaders.TIMESTAMP), FrameHeaders.TIMESTAMP);
        byte[] mask = null;
        byte[] rawMask = headers.get(FrameHeaders.MASK);
        if (rawMask != null) {
            String what = "mask header " + FrameHeaders.MASK;
            if (!ImageDecoding.isPng(rawMask)) {
                throw new FrameDecodeException(what + " is not a PNG");
            }
            BufferedImage m = ImageDecoding.read(rawMask, limits, what);
            if (m.getWidth() != w || m.getHeight() != h) {
                throw new FrameDecodeException(what + " is " + m.getHeight() + "x" + m.getWidth() + ", the image is "
                        + h + "x" + w);
            }
            mask = ImageDecoding.toClassMap(m, what);
        }
        return new Frame(DType.U8, channels, h, w, sequence, timestamp, label, mask, payload, true);
    }

    private static long optionalLong(byte @Nullable [] raw, String name) {
        return raw == null ? 0 : parse(raw, name, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static long parse(byte[] raw, String name, long min, long max) {
        String s = new String(raw, StandardCharsets.UTF_8).trim();
        try {
            long v = Long.parseLong(s);
            if (v < min || v > max) {
                throw new NumberFormatException("out of range");
            }
            return v;
        } catch (NumberFormatException e) {
            String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
            throw new FrameDecodeException("header " + name + " must be a decimal integer in [" + min + ", " + max
                    + "], got '" + shown + "'");
        }
    }
}
