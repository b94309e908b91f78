package dev.pixelflow.deploy.report;

import java.util.Objects;

/**
 * One example frame for the report: the input image and its true and predicted class maps.
 *
 * @param title         caption drawn above the row
 * @param image         {@code channels * height * width} values in CHW layout, any range (min-max scaled for
 *                      display; non-finite values show as the minimum)
 * @param channels      1 (grey) or 3 (RGB)
 * @param height        rows
 * @param width         columns
 * @param trueMask      {@code height * width} class indices (read as unsigned bytes), 0 = background; null if
 *                      unknown
 * @param predictedMask same layout as {@code trueMask}; null if unknown
 */
public record SegmentationExample(String title, float[] image, int channels, int height, int width,
                                  byte[] trueMask, byte[] predictedMask) {

    public SegmentationExample {
        title = Objects.requireNonNullElse(title, "");
        Objects.requireNonNull(image, "image");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("height and width must be >= 1, got " + height + "x" + width);
        }
        long pixels = (long) height * width;
        if (image.length != channels * pixels) {
            throw new IllegalArgumentException("image must have channels*height*width = " + channels + "*"
                    + height + "*" + width + " = " + channels * pixels + " values, got " + image.length);
        }
        checkMask(trueMask, "true mask", pixels, height, width);
        checkMask(predictedMask, "predicted mask", pixels, height, width);
    }

    private static void checkMask(byte[] mask, String name, long pixels, int height, int width) {
        if (mask != null && mask.length != pixels) {
            throw new IllegalArgumentException(name + " must have height*width = " + height + "*" + width + " = "
                    + pixels + " values, got " + mask.length);
        }
    }

    /** A copy with copied arrays, so later changes by the caller do not show in the report. */
    SegmentationExample deepCopy() {
        return new SegmentationExample(title, image.clone(), channels, height, width,
                trueMask == null ? null : trueMask.clone(), predictedMask == null ? null : predictedMask.clone());
    }
}
