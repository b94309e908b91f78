package dev.pixelflow.simd.metrics;

/**
 * How a mean over classes treats a class absent from both prediction and target (TP + FP + FN = 0, so its
 * IoU / Dice is 0/0). Such a class carries no evidence either way, so the default is {@link #SKIP}.
 */
public enum EmptyClassPolicy {
    /** Leave the class out of the mean (the default). */
    SKIP,
    /** Count the class as 0. */
    ZERO,
    /** Count the class as 1 (a "perfect" empty prediction). */
    ONE
}
