package dev.pixelflow.connectors;

import dev.pixelflow.connectors.internal.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Metrics result values: one flat JSON object, UTF-8, e.g. {@code {"step":120,"loss":0.0831,"iou":0.74}}.
 * Keys keep the map's iteration order (use a {@code LinkedHashMap} for a stable order). Values are
 * strings, numbers, booleans or null; NaN and infinities are written as {@code null} since JSON has no
 * form for them. Floats and doubles use Java's shortest round-trip decimal form.
 */
public final class MetricsJson {
    private MetricsJson() {
    }

    /** The JSON text. */
    public static String toJson(Map<String, ?> metrics) {
        return JsonWriter.object(metrics);
    }

    /** The JSON text as UTF-8 bytes, ready for a record value. */
    public static byte[] encode(Map<String, ?> metrics) {
        return toJson(metrics).getBytes(StandardCharsets.UTF_8);
    }
}
