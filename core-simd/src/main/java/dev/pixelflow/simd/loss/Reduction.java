package dev.pixelflow.simd.loss;

/**
 * How a per-element loss map becomes the loss value (PyTorch's {@code reduction}, plus a per-image mean).
 *
 * <ul>
 *   <li>{@code NONE}: no reduction; the per-element map is the result.</li>
 *   <li>{@code SUM}: the sum over every counted element.</li>
 *   <li>{@code MEAN}: the sum divided by the number of counted elements (for losses with class weights such as
 *       softmax cross-entropy, PyTorch's weighted mean: divided by the sum of the counted weights; each loss
 *       documents which).</li>
 *   <li>{@code MEAN_PER_IMAGE}: the mean over each image's counted elements, then the mean over the images
 *       ("loss per image, averaged over the batch"); equal to {@code MEAN} when every image counts the same
 *       number of elements.</li>
 * </ul>
 * Sum and mean have the same minimiser; the mean keeps values comparable across batch and image sizes.
 */
public enum Reduction {
    NONE, SUM, MEAN, MEAN_PER_IMAGE
}
