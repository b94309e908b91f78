package dev.pixelflow.simd.norm;

/**
 * Which values of a {@code [B, C, H, W]} batch share one set of statistics.
 *
 * <ul>
 *   <li>{@link #PER_IMAGE}: one group per image (all C*H*W values of image b); B groups, index b.</li>
 *   <li>{@link #PER_CHANNEL}: one group per image and channel (H*W values); B*C groups, index b*C + c.</li>
 *   <li>{@link #DATASET}: fitted once per channel over a whole data set, then frozen; C groups, index c.</li>
 * </ul>
 */
public enum NormScope {
    PER_IMAGE, PER_CHANNEL, DATASET;

    /** Index of the statistics group of plane (b, c) in a batch with {@code channels} channels. */
    int group(int b, int c, int channels) {
        return switch (this) {
            case PER_IMAGE -> b;
            case PER_CHANNEL -> b * channels + c;
            case DATASET -> c;
        };
    }

    /** Number of groups for a batch of {@code batch} images with {@code channels} channels. */
    int groups(int batch, int channels) {
        return switch (this) {
            case PER_IMAGE -> batch;
            case PER_CHANNEL -> batch * channels;
            case DATASET -> channels;
        };
    }
}
