package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Counts pixels per class online from a stream of label masks and derives class weights from the counts.
 *
 * <p>A mask is a tensor of any shape (typically {@code [B, 1, H, W]}) whose elements are class indices
 * stored as floats: each must be an integer in {@code [0, C)} or the optional ignore label (skipped).
 * Anything else (NaN, infinities, fractions, out of range) makes {@link #add} throw an
 * {@link IllegalArgumentException} naming the value and its position, and leaves the counts unchanged.
 *
 * <p>Two accumulation modes, chosen by {@code decay} in (0, 1]:
 * <ul>
 *   <li>cumulative ({@code decay = 1}, the default): counts are exact {@code long} totals over the whole
 *       stream, so adding a stream in pieces gives the same counts as adding it at once;</li>
 *   <li>exponential decay ({@code decay < 1}): before each {@code add}, {@code counts *= decay}, then the
 *       mask's counts are added; a pixel seen k masks ago weighs {@code decay^k}, so the weights follow a
 *       drifting stream (memory of about {@code 1 / (1 - decay)} masks).</li>
 * </ul>
 * Independently of the mode, {@link #totalCounts()} keeps the exact undecayed totals since the last reset.
 *
 * <p>{@code add} allocates nothing: it scans the mask's native memory into a reused per-instance histogram.
 * Not thread-safe; give each thread its own estimator and {@link #merge} them.
 */
public final class ClassWeightEstimator {
    /** Default weight cap; see {@link Builder#cap}. */
    public static final float DEFAULT_CAP = 100f;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int numClasses;
    private final Integer ignoreLabel;
    private final double decay;
    private final float cap;

    private final long[] totals;       // exact counts since reset, never decayed
    private final double[] decayed;    // decay-mode counts (unused when decay == 1)
    private final long[] scratch;      // histogram of the mask being added
    private long masks;

    private ClassWeightEstimator(Builder b) {
        this.numClasses = b.numClasses;
        this.ignoreLabel = b.ignoreLabel;
        this.decay = b.decay;
        this.cap = b.cap;
        this.totals = new long[numClasses];
        this.decayed = new double[numClasses];
        this.scratch = new long[numClasses];
    }

    /** A builder for {@code numClasses} classes (at least 2). */
    public static Builder builder(int numClasses) {
        return new Builder(numClasses);
    }

    /** A cumulative estimator for {@code numClasses} classes, no ignore label, default cap. */
    public static ClassWeightEstimator cumulative(int numClasses) {
        return builder(numClasses).build();
    }

    /**
     * Counts the pixels of {@code mask} (class indices as floats, any shape).
     *
     * @throws IllegalArgumentException for a label that is not an integer in {@code [0, C)} nor the ignore
     *     label; counts are unchanged then
     */
    public ClassWeightEstimator add(Tensor mask) {
        Objects.requireNonNull(mask, "mask");
        MemorySegment seg = mask.segment();
        long n = mask.size();
        Arrays.fill(scratch, 0L);
        boolean hasIgnore = ignoreLabel != null;
        float ignore = hasIgnore ? ignoreLabel : 0f;
        for (long i = 0; i < n; i++) {
            float v = seg.getAtIndex(F32, i);
            if (hasIgnore && v == ignore) {
                continue;
            }
            int c = (int) v; // NaN -> 0, huge -> MAX/MIN_VALUE: the equality check below rejects both
            if (c != v || c < 0 || c >= numClasses) {
                throw badLabel(mask, v, i);
            }
            scratch[c]++;
        }
        commit(scratch);
        return this;
    }

    private void commit(long[] counts) {
        for (int c = 0; c < numClasses; c++) {
            totals[c] += counts[c];
            if (decay < 1.0) {
                decayed[c] = decayed[c] * decay + counts[c];
            }
        }
        masks++;
    }

    private IllegalArgumentException badLabel(Tensor mask, float v, long flat) {
        int[] shape = mask.shape();
        int[] idx = new int[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (rest % shape[d]);
            rest /= shape[d];
        }
        return new IllegalArgumentException("mask " + mask.shapeString() + " holds label " + v + " at index "
                + Arrays.toString(idx) + " (flat " + flat + "); expected an integer class in [0, " + numClasses
                + ")" + (ignoreLabel != null ? " or the ignore label " + ignoreLabel : ""));
    }

    /**
     * Adds another estimator's counts to this one (e.g. per-thread estimators over parts of a stream). Both
     * must have the same number of classes, ignore label and decay. In cumulative mode the result equals
     * having added both streams here; in decay mode the decayed counts are summed as they stand.
     */
    public ClassWeightEstimator merge(ClassWeightEstimator other) {
        if (other.numClasses != numClasses || !Objects.equals(other.ignoreLabel, ignoreLabel)
                || Double.compare(other.decay, decay) != 0) {
            throw new IllegalArgumentException("cannot merge " + other.describe() + " into " + describe()
                    + ": classes, ignore label and decay must match");
        }
        for (int c = 0; c < numClasses; c++) {
            totals[c] += other.totals[c];
            decayed[c] += other.decayed[c];
        }
        masks += other.masks;
        return this;
    }

    /** Forgets every count. */
    public void reset() {
        Arrays.fill(totals, 0L);
        Arrays.fill(decayed, 0.0);
        masks = 0;
    }

    /** The counts the weights use: exact totals when cumulative, decayed sums otherwise. */
    public double[] counts() {
        if (decay < 1.0) {
            return decayed.clone();
        }
        double[] out = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            out[c] = totals[c];
        }
        return out;
    }

    /** Exact pixel counts per class since the last reset, not decayed (ignored pixels excluded). */
    public long[] totalCounts() {
        return totals.clone();
    }

    /** Number of masks added (or merged in) since the last reset. */
    public long maskCount() {
        return masks;
    }

    /** Weights by {@code rule} with this estimator's cap. */
    public ClassWeights weights(ClassWeightRule rule) {
        return weights(rule, cap);
    }

    /** Weights by {@code rule} with the given cap; see {@link ClassWeightRule#weights}. */
    public ClassWeights weights(ClassWeightRule rule, float cap) {
        return ClassWeights.of(rule, counts(), cap);
    }

    public int numClasses() {
        return numClasses;
    }

    public double decay() {
        return decay;
    }

    public float cap() {
        return cap;
    }

    /** The ignore label, or null when every pixel must be a class. */
    public @Nullable Integer ignoreLabel() {
        return ignoreLabel;
    }

    private String describe() {
        return "estimator(classes=" + numClasses + ", ignore=" + ignoreLabel + ", decay=" + decay + ")";
    }

    @Override
    public String toString() {
        return describe() + " counts=" + Arrays.toString(counts());
    }

    /** Configures a {@link ClassWeightEstimator}. */
    public static final class Builder {
        private final int numClasses;
        private Integer ignoreLabel;
        private double decay = 1.0;
        private float cap = DEFAULT_CAP;

        private Builder(int numClasses) {
            if (numClasses < 2) {
                throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
            }
            this.numClasses = numClasses;
        }

        /**
         * Pixels with this label are skipped (255 is common for masks, -100 is PyTorch's default). It must
         * lie outside {@code [0, C)}, or it would hide a class.
         */
        public Builder ignoreLabel(int label) {
            if (label >= 0 && label < numClasses) {
                throw new IllegalArgumentException("ignore label " + label + " is a class index in [0, "
                        + numClasses + ")");
            }
            if (Math.abs(label) > (1 << 24)) {
                throw new IllegalArgumentException("ignore label " + label
                        + " is not exactly representable as a float (|label| > 2^24)");
            }
            this.ignoreLabel = label;
            return this;
        }

        /** Decay factor in (0, 1]; 1 (default) = cumulative exact counts. */
        public Builder decay(double decay) {
            if (!(decay > 0 && decay <= 1)) {
                throw new IllegalArgumentException("decay must be in (0, 1], got " + decay);
            }
            this.decay = decay;
            return this;
        }

        /**
         * Upper bound for every weight, and the weight of an absent class (finite, >= 1). The default 100
         * keeps the exact ratio for objects down to about 1% of the pixels (object-quotient weight 99) while
         * bounding how much a rare class can amplify the loss and its gradient.
         */
        public Builder cap(float cap) {
            ClassWeightRule.checkCap(cap);
            this.cap = cap;
            return this;
        }

        public ClassWeightEstimator build() {
            return new ClassWeightEstimator(this);
        }
    }
}
