package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * A snapshot of per-class loss weights: the rule and cap that produced them and the per-class pixel counts
 * they came from (exact integers in cumulative mode, decayed sums in decay mode). Arrays are copied in and
 * out, so a snapshot never changes.
 *
 * @param rule the weighting rule
 * @param cap the upper bound applied to every weight (also the weight of an absent class)
 * @param weights {@code w_c}, one per class
 * @param counts {@code n_c}, one per class
 */
public record ClassWeights(ClassWeightRule rule, float cap, float[] weights, double[] counts) {

    public ClassWeights {
        Objects.requireNonNull(rule, "rule");
        ClassWeightRule.checkCap(cap);
        if (weights.length != counts.length) {
            throw new IllegalArgumentException("weights has " + weights.length + " entries but counts has "
                    + counts.length);
        }
        weights = weights.clone();
        counts = counts.clone();
    }

    /** Applies {@code rule} with {@code cap} to {@code counts}; see {@link ClassWeightRule#weights}. */
    public static ClassWeights of(ClassWeightRule rule, double[] counts, float cap) {
        return new ClassWeights(rule, cap, rule.weights(counts, cap), counts);
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    @Override
    public double[] counts() {
        return counts.clone();
    }

    /** The number of classes C. */
    public int numClasses() {
        return weights.length;
    }

    /** Weight of class {@code c}. */
    public float weight(int c) {
        return weights[c];
    }

    /** The weights as a new owning tensor of shape {@code [C]} (the caller closes it). */
    public Tensor toTensor() {
        return Tensor.of(weights, weights.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassWeights w && rule == w.rule && Float.compare(cap, w.cap) == 0
                && Arrays.equals(weights, w.weights) && Arrays.equals(counts, w.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, cap, Arrays.hashCode(weights), Arrays.hashCode(counts));
    }

    @Override
    public String toString() {
        return "ClassWeights[rule=" + rule + ", cap=" + cap + ", weights=" + Arrays.toString(weights)
                + ", counts=" + Arrays.toString(counts) + "]";
    }
}
