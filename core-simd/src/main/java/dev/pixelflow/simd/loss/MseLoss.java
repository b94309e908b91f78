package dev.pixelflow.simd.loss;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Mean squared error, number for number PyTorch's {@code MSELoss} (e.g. autoencoder reconstruction). Immutable and
 * thread-safe; build with {@link #builder()}.
 *
 * <p>Tensors have any shape {@code [B, ...]} (usually NCHW); dimension 0 is the batch. Per element, with input
 * {@code x} and target {@code y}:
 * <pre>
 *   l     = (x - y)^2
 *   dl/dx = 2 * (x - y)
 * </pre>
 * accumulated in double. Reductions: {@code SUM} the sum of {@code l}; {@code MEAN} the sum divided by the number of
 * elements (PyTorch's default); {@code MEAN_PER_IMAGE} the mean over each image's elements, then over the batch (equal
 * to {@code MEAN} here since every image has the same size); {@code NONE} writes the per-element map into
 * {@code lossMap} and returns its sum (the gradient is then that of the sum, PyTorch's {@code map.backward(ones)}).
 * An empty tensor gives loss 0 (PyTorch's mean of nothing is NaN).
 */
public final class MseLoss {

    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Reduction reduction;

    private MseLoss(Reduction reduction) {
        this.reduction = reduction;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Reduction reduction() {
        return reduction;
    }

    /** The reduced loss without outputs; not for {@code NONE}. */
    public float forward(Tensor input, Tensor target) {
        return forward(input, target, null, null);
    }

    /**
     * Computes the loss and, in the same pass, its gradient.
     *
     * @param input {@code [B, ...]} predictions, finite
     * @param target same shape, finite
     * @param grad same shape, or null; overwritten with dLoss/dInput of the returned loss
     * @param lossMap same shape, or null (required for {@code NONE}); overwritten with the per-element loss
     * @return the reduced loss ({@code NONE}: the sum of the map)
     * @throws IllegalArgumentException on a shape mismatch (naming both shapes), a missing map for {@code NONE}, or a
     *     non-finite input or target (naming the position)
     */
    public float forward(Tensor input, Tensor target, @Nullable Tensor grad, @Nullable Tensor lossMap) {
        return pointwise("MseLoss", false, reduction, input, target, grad, lossMap);
    }

    /** Shared by {@link MseLoss} ({@code l1 = false}) and {@link L1Loss} ({@code l1 = true}). */
    static float pointwise(String name, boolean l1, Reduction reduction, Tensor input, Tensor target, Tensor grad,
            Tensor lossMap) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
        checkSame(name, "target", input, target);
        if (grad != null) {
            checkSame(name, "grad", input, grad);
        }
        if (lossMap != null) {
            checkSame(name, "lossMap", input, lossMap);
        }
        if (reduction == Reduction.NONE && lossMap == null) {
            throw new IllegalArgumentException(name + " with reduction NONE needs a lossMap of shape "
                    + input.shapeString());
        }
        if (input.rank() == 0) {
            throw new IllegalArgumentException(name + " needs a batch dimension but input is " + input.shapeString());
        }
        int[] shape = input.shape();
        long n = input.size();
        int batch = shape[0];
        long perImage = batch == 0 ? 0 : n / batch;
        double scale = switch (reduction) {
            case NONE, SUM -> 1.0;
            case MEAN -> n == 0 ? 0.0 : 1.0 / n;
            case MEAN_PER_IMAGE -> perImage == 0 ? 0.0 : 1.0 / ((double) perImage * batch);
        };
        MemorySegment xs = input.segment();
        MemorySegment ys = target.segment();
        MemorySegment gs = grad == null ? null : grad.segment();
        MemorySegment ls = lossMap == null ? null : lossMap.segment();
        double sum = 0;
        for (long i = 0; i < n; i++) {
            float xf = xs.getAtIndex(F, i);
            float yf = ys.getAtIndex(F, i);
            if (!Float.isFinite(xf)) {
                throw new IllegalArgumentException(name + ": input must be finite but is " + xf + " at "
                        + position(shape, i));
            }
            if (!Float.isFinite(yf)) {
                throw new IllegalArgumentException(name + ": target must be finite but is " + yf + " at "
                        + position(shape, i));
            }
            double d = (double) xf - yf;
            double l = l1 ? Math.abs(d) : d * d;
            sum += l;
            if (ls != null) {
                ls.setAtIndex(F, i, (float) l);
            }
            if (gs != null) {
                double g = l1 ? Math.signum(d) : 2 * d;
                gs.setAtIndex(F, i, (float) (scale * g));
            }
        }
        return (float) (sum * scale);
    }

    static void checkSame(String name, String what, Tensor input, Tensor other) {
        if (!Arrays.equals(input.shape(), other.shape())) {
            throw new IllegalArgumentException(name + ": " + what + " shape " + other.shapeString()
                    + " does not match input shape " + input.shapeString());
        }
    }

    static String position(int[] shape, long flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** Builder; default reduction {@code MEAN} (PyTorch's default). */
    public static final class Builder {
        private Reduction reduction = Reduction.MEAN;

        private Builder() {}

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        public MseLoss build() {
            return new MseLoss(reduction);
        }
    }
}
