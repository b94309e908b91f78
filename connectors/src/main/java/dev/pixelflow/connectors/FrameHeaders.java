package dev.pixelflow.connectors;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * Kafka record header names used by pixelflow, and the standard headers of every output record.
 * Numeric header values are ASCII decimal text (UTF-8), so they read the same in any Kafka tool.
 *
 * <p>Input (on plain PNG/JPEG frame records): {@link #LABEL}, {@link #MASK}, {@link #SEQUENCE},
 * {@link #TIMESTAMP}. Output (on every result record): {@link #MODEL_VERSION}, {@link #SOURCE_TOPIC},
 * {@link #SOURCE_PARTITION}, {@link #SOURCE_OFFSET}, and {@link #SHAPE} on raw masks and embeddings.
 */
public final class FrameHeaders {
    /** Identity/class label of an image record: a decimal int, e.g. {@code "7"}. */
    public static final String LABEL = "pixelflow.label";
    /** Mask of an image record: a PNG whose first band holds the class id of each pixel; same size as the image. */
    public static final String MASK = "pixelflow.mask";
    /** Sequence number of an image record (decimal long); 0 when absent. */
    public static final String SEQUENCE = "pixelflow.sequence";
    /** Capture time of an image record, ms since the epoch (decimal long); 0 when absent. */
    public static final String TIMESTAMP = "pixelflow.timestamp";
    /** Version of the model that produced an output record. */
    public static final String MODEL_VERSION = "pixelflow.model-version";
    /** Topic of the input record an output record was computed from. */
    public static final String SOURCE_TOPIC = "pixelflow.source-topic";
    /** Partition of that input record (decimal int). */
    public static final String SOURCE_PARTITION = "pixelflow.source-partition";
    /** Offset of that input record (decimal long). */
    public static final String SOURCE_OFFSET = "pixelflow.source-offset";
    /** Shape of a raw result value, decimal dimensions joined by commas: {@code "H,W"} for a raw mask, {@code "D"} for an embedding. */
    public static final String SHAPE = "pixelflow.shape";

    private FrameHeaders() {
    }

    /**
     * The standard headers of an output record: model version, source topic, partition and offset.
     *
     * @return a new mutable {@link Headers}; add more (e.g. {@link #shape}) before producing
     */
    public static Headers output(String modelVersion, String sourceTopic, int sourcePartition, long sourceOffset) {
        if (modelVersion == null || modelVersion.isEmpty() || sourceTopic == null || sourceTopic.isEmpty()) {
            throw new IllegalArgumentException("model version and source topic must be non-empty, got '" + modelVersion
                    + "' and '" + sourceTopic + "'");
        }
        if (sourcePartition < 0 || sourceOffset < 0) {
            throw new IllegalArgumentException("source partition and offset must be >= 0, got " + sourcePartition
                    + " and " + sourceOffset);
        }
        RecordHeaders h = new RecordHeaders();
        h.add(MODEL_VERSION, utf8(modelVersion));
        h.add(SOURCE_TOPIC, utf8(sourceTopic));
        h.add(SOURCE_PARTITION, utf8(Integer.toString(sourcePartition)));
        h.add(SOURCE_OFFSET, utf8(Long.toString(sourceOffset)));
        return h;
    }

    /** Adds (replacing) a {@link #SHAPE} header with the given dimensions; returns {@code headers}. */
    public static Headers shape(Headers headers, int... dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : ",").append(dims[i]);
        }
        headers.remove(SHAPE);
        headers.add(SHAPE, utf8(s.toString()));
        return headers;
    }

    /** The last value of header {@code name} as UTF-8 text, or null when absent. */
    public static @Nullable String text(@Nullable Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
