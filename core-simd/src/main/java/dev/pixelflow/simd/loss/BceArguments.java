package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks and ignore-mask counting shared by the binary cross-entropy losses. Layout {@code [B, C, ...]}:
 * dimension 0 is the batch, dimension 1 the channel, the rest (possibly none) is flattened into {@code S}.
 */
final class BceArguments {

    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private BceArguments() {}

    /** Checks ranks and shapes; returns nothing, throws IllegalArgumentException naming the shapes. */
    static void checkShapes(String inputName, Tensor input, Tensor target, Tensor weight, Tensor ignoreMask,
            Tensor grad, Tensor lossMap, Reduction reduction) {
        Objects.requireNonNull(input, inputName);
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(reduction, "reduction");
        if (input.rank() < 2) {
            throw new IllegalArgumentException(inputName + " must have rank >= 2 ([B, C, ...]) but has shape "
                    + input.shapeString());
        }
        same(inputName, input, "target", target);
        same(inputName, input, "weight", weight);
        same(inputName, input, "ignoreMask", ignoreMask);
        same(inputName, input, "grad", grad);
        same(inputName, input, "lossMap", lossMap);
        if (reduction == Reduction.NONE && lossMap == null) {
            throw new IllegalArgumentException("reduction NONE needs a lossMap of shape " + input.shapeString());
        }
    }

    private static void same(String inputName, Tensor input, String name, Tensor other) {
        if (other != null && !other.hasShape(input.shape())) {
            throw new IllegalArgumentException(name + " has shape " + other.shapeString() + " but " + inputName
                    + " has shape " + input.shapeString());
        }
    }

    /**
     * Counts the counted (not ignored) elements of each image. Mask values must be exactly 0 (count) or 1
     * (ignore).
     */
    static long[] countedPerImage(Tensor ignoreMask, int batch, long perImage) {
        long[] counted = new long[batch];
        if (ignoreMask == null) {
            java.util.Arrays.fill(counted, perImage);
            return counted;
        }
        MemorySegment m = ignoreMask.segment();
        int[] shape = ignoreMask.shape();
        for (int b = 0; b < batch; b++) {
            long n = 0;
            long base = b * perImage;
            for (long i = 0; i < perImage; i++) {
                float v = m.getAtIndex(F, base + i);
                if (v == 0f) {
                    n++;
                } else if (v != 1f) {
                    throw new IllegalArgumentException("ignoreMask must hold 0 (count) or 1 (ignore) but is " + v
                            + " at " + position(shape, base + i));
                }
            }
            counted[b] = n;
        }
        return counted;
    }

    /** Gradient scale per image for the reduction (0 for images that contribute nothing). */
    static double[] gradScale(Reduction reduction, long[] counted) {
        double[] scale = new double[counted.length];
        long total = 0;
        int images = 0;
        for (long n : counted) {
            total += n;
            if (n > 0) {
                images++;
            }
        }
        for (int b = 0; b < counted.length; b++) {
            scale[b] = switch (reduction) {
                case NONE, SUM -> 1.0;
                case MEAN -> total == 0 ? 0.0 : 1.0 / total;
                case MEAN_PER_IMAGE -> counted[b] == 0 ? 0.0 : 1.0 / ((double) images * counted[b]);
            };
        }
        return scale;
    }

    /** Reduces per-image sums; an empty selection (everything ignored) gives 0. */
    static float reduce(Reduction reduction, double[] sums, long[] counted) {
        double total = 0;
        long n = 0;
        double perImage = 0;
        int images = 0;
        for (int b = 0; b < sums.length; b++) {
            total += sums[b];
            n += counted[b];
            if (counted[b] > 0) {
                perImage += sums[b] / counted[b];
                images++;
            }
        }
        return (float) switch (reduction) {
            case NONE, SUM -> total;
            case MEAN -> n == 0 ? 0.0 : total / n;
            case MEAN_PER_IMAGE -> images == 0 ? 0.0 : perImage / images;
        };
    }

    /**
     * Whether element {@code i} is masked out by {@code mask} (non-zero); if so its gradient and loss-map entries (when
     * present) are set to 0.
     */
    static boolean ignored(@Nullable MemorySegment mask, @Nullable MemorySegment grad, @Nullable MemorySegment lossMap,
                           long i) {
        if (mask == null || mask.getAtIndex(F, i) == 0f) {
            return false;
        }
        if (grad != null) {
            grad.setAtIndex(F, i, 0f);
        }
        if (lossMap != null) {
            lossMap.setAtIndex(F, i, 0f);
        }
        return true;
    }

    static String position(int[] shape, long flat) {
        int[] idx = new int[shape.length];
        long r = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (r % shape[d]);
            r /= shape[d];
        }
        return java.util.Arrays.toString(idx);
    }
}
