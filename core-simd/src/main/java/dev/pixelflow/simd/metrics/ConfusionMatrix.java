package dev.pixelflow.simd.metrics;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A streaming confusion matrix over {@code C} classes: {@code count(target, predicted)} pixels whose target
 * class is {@code target} were predicted as {@code predicted}. Rows are targets, columns predictions.
 *
 * <p>Label maps are float tensors holding integral class indices in {@code [0, C)}, any layout as long as
 * prediction and target have the same shape (typically {@code [B, 1, H, W]} or {@code [B, H, W]}). A pixel
 * whose <em>target</em> equals the optional ignore label (e.g. 255 or -100) is skipped entirely (its
 * prediction is not read). Any other NaN, non-integral or out-of-range label throws
 * {@link IllegalArgumentException} naming the value and its position; a failed {@code add} leaves the
 * matrix unchanged. Optional per-class weights feed {@link SegmentationMetrics#weightedAccuracy()}.
 *
 * <p>Not thread-safe; combine per-thread matrices with {@link #merge}.
 */
public final class ConfusionMatrix {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int classes;
    private final boolean hasIgnore;
    private final int ignoreLabel;
    private final double @Nullable [] classWeights; // null when not configured
    private final long[] counts; // [target * classes + predicted]

    private ConfusionMatrix(Builder b) {
        this.classes = b.classes;
        this.hasIgnore = b.hasIgnore;
        this.ignoreLabel = b.ignoreLabel;
        this.classWeights = b.classWeights == null ? null : b.classWeights.clone();
        this.counts = new long[classes * classes];
    }

    /** A matrix over {@code classes} classes, no ignore label, no weights. */
    public static ConfusionMatrix of(int classes) {
        return builder(classes).build();
    }

    public static Builder builder(int classes) {
        return new Builder(classes);
    }

    public int classes() {
        return classes;
    }

    public OptionalInt ignoreLabel() {
        return hasIgnore ? OptionalInt.of(ignoreLabel) : OptionalInt.empty();
    }

    /** The per-class weights (a copy), or null when none were configured. */
    public double @Nullable [] classWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    /** Pixels with target class {@code target} predicted as {@code predicted}. */
    public long count(int target, int predicted) {
        checkClass(target, "target");
        checkClass(predicted, "predicted");
        return counts[target * classes + predicted];
    }

    /** The counts as {@code [target][predicted]} (a copy). */
    public long[][] toArray() {
        long[][] out = new long[classes][];
        for (int t = 0; t < classes; t++) {
            out[t] = Arrays.copyOfRange(counts, t * classes, (t + 1) * classes);
        }
        return out;
    }

    /** Number of counted (non-ignored) pixels. */
    public long total() {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    public void reset() {
        Arrays.fill(counts, 0);
    }

    /**
     * Adds {@code other}'s counts to this matrix. Both must have the same number of classes, ignore label
     * and weights, so that the merged matrix means the same as adding all the pixels to one matrix.
     */
    public ConfusionMatrix merge(ConfusionMatrix other) {
        if (other.classes != classes || other.hasIgnore != hasIgnore || other.ignoreLabel != ignoreLabel
                || !Arrays.equals(other.classWeights, classWeights)) {
            throw new IllegalArgumentException("cannot merge " + other.describe() + " into " + describe());
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        return this;
    }

    /**
     * Counts every pixel of the label maps {@code predicted} and {@code target} (same shape, class indices).
     */
    public ConfusionMatrix add(Tensor predicted, Tensor target) {
        if (!Arrays.equals(predicted.shape(), target.shape())) {
            throw new IllegalArgumentException("confusion matrix: predicted " + predicted.shapeString()
                    + " and target " + target.shapeString() + " differ in shape");
        }
        MemorySegment p = predicted.segment();
        MemorySegment t = target.segment();
        int[] shape = target.shape();
        long[] local = new long[counts.length];
        for (long i = 0, n = target.size(); i < n; i++) {
            float tv = t.getAtIndex(F32, i);
            if (hasIgnore && tv == ignoreLabel) {
                continue;
            }
            int tc = LabelMaps.classIndex(tv, classes, "target", shape, i);
            int pc = LabelMaps.classIndex(p.getAtIndex(F32, i), classes, "predicted", shape, i);
            local[tc * classes + pc]++;
        }
        accumulate(local);
        return this;
    }

    /** {@link #addBinaryLogits(Tensor, Tensor, float)} with threshold 0: a positive logit means class 1. */
    public ConfusionMatrix addBinaryLogits(Tensor logits, Tensor mask) {
        return addBinaryLogits(logits, mask, 0f);
    }

    /**
     * Binary segmentation: {@code logits [B, 1, H, W]} predict class 1 where {@code logit > threshold}, else
     * class 0; {@code mask} ({@code [B, 1, H, W]} or {@code [B, H, W]}) holds 0/1 (or the ignore label).
     * Requires a two-class matrix. A NaN logit throws.
     */
    public ConfusionMatrix addBinaryLogits(Tensor logits, Tensor mask, float threshold) {
        if (classes != 2) {
            throw new IllegalArgumentException("binary logits need a 2-class confusion matrix, this one has "
                    + classes);
        }
        if (logits.rank() != 4 || logits.dim(1) != 1 || !LabelMaps.matchesPixels(logits.shape(), mask.shape())) {
            throw new IllegalArgumentException("binary logits must be [B, 1, H, W] with mask [B, 1, H, W] or"
                    + " [B, H, W]; got logits " + logits.shapeString() + " and mask " + mask.shapeString());
        }
        if (Float.isNaN(threshold)) {
            throw new IllegalArgumentException("binary logits: threshold is NaN");
        }
        MemorySegment z = logits.segment();
        MemorySegment m = mask.segment();
        int[] shape = logits.shape();
        int[] maskShape = mask.shape();
        long[] local = new long[counts.length];
        for (long i = 0, n = logits.size(); i < n; i++) {
            float tv = m.getAtIndex(F32, i);
            if (hasIgnore && tv == ignoreLabel) {
                continue;
            }
            int tc = LabelMaps.classIndex(tv, 2, "mask", maskShape, i);
            float zv = z.getAtIndex(F32, i);
            if (Float.isNaN(zv)) {
                throw new IllegalArgumentException("binary logit is NaN at " + LabelMaps.position(shape, i));
            }
            local[tc * 2 + (zv > threshold ? 1 : 0)]++;
        }
        accumulate(local);
        return this;
    }

    /**
     * Multi-class segmentation: the prediction at each pixel is the argmax over channels of
     * {@code scores [B, C, H, W]} (logits or probabilities; ties go to the lowest class, as NumPy's argmax);
     * {@code labels} is {@code [B, 1, H, W]} or {@code [B, H, W]}. {@code C} must equal {@link #classes()}.
     * A NaN score throws.
     */
    public ConfusionMatrix addArgmax(Tensor scores, Tensor labels) {
        if (scores.rank() != 4 || scores.dim(1) != classes || !LabelMaps.matchesPixels(scores.shape(), labels.shape())) {
            throw new IllegalArgumentException("argmax: scores must be [B, " + classes + ", H, W] with labels"
                    + " [B, 1, H, W] or [B, H, W]; got scores " + scores.shapeString() + " and labels "
                    + labels.shapeString());
        }
        MemorySegment s = scores.segment();
        MemorySegment y = labels.segment();
        int[] shape = labels.shape();
        int[] scoreShape = scores.shape();
        long hw = (long) scores.dim(2) * scores.dim(3);
        long[] local = new long[counts.length];
        for (long i = 0, n = labels.size(); i < n; i++) {
            float tv = y.getAtIndex(F32, i);
            if (hasIgnore && tv == ignoreLabel) {
                continue;
            }
            int tc = LabelMaps.classIndex(tv, classes, "target", shape, i);
            long base = (i / hw) * classes * hw + i % hw; // channel 0 of pixel i
            int best = 0;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float v = s.getAtIndex(F32, base + c * hw);
                if (Float.isNaN(v)) {
                    throw new IllegalArgumentException("argmax: score is NaN at "
                            + LabelMaps.position(scoreShape, base + c * hw));
                }
                if (v > bestScore || c == 0) {
                    best = c;
                    bestScore = v;
                }
            }
            local[tc * classes + best]++;
        }
        accumulate(local);
        return this;
    }

    /** The metrics of the current counts, skipping empty classes in means. */
    public SegmentationMetrics metrics() {
        return SegmentationMetrics.of(this, EmptyClassPolicy.SKIP);
    }

    public SegmentationMetrics metrics(EmptyClassPolicy policy) {
        return SegmentationMetrics.of(this, policy);
    }

    long rawCount(int target, int predicted) {
        return counts[target * classes + predicted];
    }

    double weight(int c) {
        return classWeights[c];
    }

    boolean hasWeights() {
        return classWeights != null;
    }

    private void accumulate(long[] local) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += local[i];
        }
    }

    private void checkClass(int c, String what) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException(what + " class " + c + " not in [0, " + classes + ")");
        }
    }

    private String describe() {
        return "confusion matrix(" + classes + " classes, ignore " + (hasIgnore ? ignoreLabel : "none")
                + ", weights " + Arrays.toString(classWeights) + ")";
    }

    @Override
    public String toString() {
        return describe() + " " + Arrays.deepToString(toArray());
    }

    /** Configuration of a {@link ConfusionMatrix}. */
    public static final class Builder {
        private final int classes;
        private boolean hasIgnore;
        private int ignoreLabel;
        private double @Nullable [] classWeights;

        private Builder(int classes) {
            if (classes < 1 || classes > 46_340) { // classes^2 must fit an int array
                throw new IllegalArgumentException("confusion matrix: classes must be in [1, 46340], got " + classes);
            }
            this.classes = classes;
        }

        /** Target pixels holding this value are not counted (e.g. 255 or -100); must not be a class index. */
        public Builder ignoreLabel(int label) {
            if (label >= 0 && label < classes) {
                throw new IllegalArgumentException("ignore label " + label + " is a class index in [0, " + classes
                        + ")");
            }
            this.hasIgnore = true;
            this.ignoreLabel = label;
            return this;
        }

        /** Per-class weights {@code w[c]} (finite, >= 0, one per class) for the weighted accuracy. */
        public Builder classWeights(double... weights) {
            if (weights.length != classes) {
                throw new IllegalArgumentException("class weights: got " + weights.length + " weights for " + classes
                        + " classes");
            }
            for (int c = 0; c < weights.length; c++) {
                if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
                    throw new IllegalArgumentException("class weight " + c + " is " + weights[c]
                            + "; weights must be finite and >= 0");
                }
            }
            this.classWeights = weights.clone();
            return this;
        }

        public ConfusionMatrix build() {
            return new ConfusionMatrix(this);
        }
    }
}
