package dev.pixelflow.streams;

import dev.pixelflow.connectors.Frame;
import java.util.Map;

/**
 * Optional callbacks of a running {@link FramePipeline}, e.g. for a progress display or a report. Called on
 * stream threads: return quickly and do not block. Arrays passed in are not used afterwards by the pipeline.
 */
public interface PipelineListener {
    /** No callbacks. */
    PipelineListener NONE = new PipelineListener() {
    };

    /** The metrics of one window, as sent to the metrics topic. */
    default void onMetrics(Map<String, Object> window) {
    }

    /**
     * A labelled segmentation frame and the mask the latest snapshot predicted for it before training on it
     * (u8 class map, row-major {@code height x width}).
     */
    default void onSegmentationExample(Frame frame, byte[] predictedMask, long modelVersion) {
    }

    /** The embeddings of the held-out identity frames used for recall@1, with their identities. */
    default void onHoldoutEmbeddings(float[][] vectors, int[] identities) {
    }
}
