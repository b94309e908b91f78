package dev.pixelflow.simd.loss;

/**
 * The divisor of Caffe's {@code InfogainLossLayer} ({@code LossParameter.NormalizationMode}); the result is
 * always at least 1.
 *
 * <ul>
 *   <li>{@code VALID} (default): the number of counted pixels (labels other than the ignore label).</li>
 *   <li>{@code FULL}: every pixel, {@code B*H*W}, ignored or not.</li>
 *   <li>{@code BATCH_SIZE}: {@code B}.</li>
 *   <li>{@code NONE}: 1.</li>
 * </ul>
 */
public enum InfogainNormalization {
    VALID, FULL, BATCH_SIZE, NONE;

    /** The normalizer {@code max(1, n)} for a batch of {@code batch} images of {@code spatial} pixels. */
    public double normalizer(int batch, int spatial, long counted) {
        double n = switch (this) {
            case VALID -> counted;
            case FULL -> (double) batch * spatial;
            case BATCH_SIZE -> batch;
            case NONE -> 1;
        };
        return Math.max(1.0, n);
    }
}
