package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.MseLoss.F;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Center loss (Wen et al., "A Discriminative Feature Learning Approach for Deep Face Recognition", ECCV 2016) for
 * embeddings {@code x [N, D]} with integer labels {@code y [N]} in {@code [0, K)} and class centres
 * {@code c [K, D]}. The centres are state owned by this object (created zero or copied from a tensor), so an instance
 * is <b>not</b> thread-safe; build with {@link #builder()}.
 * <pre>
 *   SUM  (default, Wen's original): L = 1/2 * sum_i ||x_i - c_{y_i}||^2,      dL/dx_i = x_i - c_{y_i}
 *   MEAN:                           L = 1/(2N) * sum_i ||x_i - c_{y_i}||^2,   dL/dx_i = (x_i - c_{y_i}) / N
 * </pre>
 * (Many re-implementations divide by the batch size N; Wen's paper does not — choose {@code MEAN} for that.) The
 * centres get no gradient; instead {@link #updateCenters} applies Wen's rule (Algorithm 1, eq. 4) for each class
 * {@code j} with {@code n_j} samples in the batch:
 * <pre>
 *   delta_j = sum_{i: y_i = j} (c_j - x_i) / (1 + n_j),    c_j -= alpha * delta_j     (alpha default 0.5)
 * </pre>
 * Classes absent from the batch keep their centre. Sums are accumulated in double.
 */
public final class CenterLoss {

    private final int numClasses;
    private final int dim;
    private final double alpha;
    private final Reduction reduction;
    private final float[] centers;

    private CenterLoss(Builder b) {
        this.numClasses = b.numClasses;
        this.dim = b.dim;
        this.alpha = b.alpha;
        this.reduction = b.reduction;
        this.centers = b.centers == null ? new float[numClasses * dim] : b.centers;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int numClasses() {
        return numClasses;
    }

    public int dim() {
        return dim;
    }

    public double alpha() {
        return alpha;
    }

    public Reduction reduction() {
        return reduction;
    }

    /** A new {@code [K, D]} tensor holding a copy of the current centres (the caller closes it). */
    public Tensor copyCenters() {
        return Tensor.of(centers.clone(), numClasses, dim);
    }

    /** Centre {@code k}, component {@code d}. */
    public float center(int k, int d) {
        Objects.checkIndex(k, numClasses);
        Objects.checkIndex(d, dim);
        return centers[k * dim + d];
    }

    /** The loss without gradient. */
    public float forward(Tensor embeddings, int[] labels) {
        return forward(embeddings, labels, null);
    }

    /**
     * Computes the loss and its gradient with respect to the embeddings (centres unchanged).
     *
     * @param embeddings {@code [N, D]}, finite
     * @param labels length N, each in {@code [0, K)}
     * @param grad {@code [N, D]} or null; overwritten with dL/dx
     * @return the loss (0 for N = 0)
     * @throws IllegalArgumentException on a shape mismatch (naming the shapes), a label out of range or a non-finite
     *     embedding (naming the position)
     */
    public float forward(Tensor embeddings, int[] labels, @Nullable Tensor grad) {
        int n = check(embeddings, labels);
        if (grad != null && !grad.hasShape(n, dim)) {
            throw new IllegalArgumentException("CenterLoss: grad shape " + grad.shapeString()
                    + " does not match embeddings " + embeddings.shapeString());
        }
        double scale = reduction == Reduction.MEAN ? (n == 0 ? 0.0 : 1.0 / n) : 1.0;
        MemorySegment xs = embeddings.segment();
        MemorySegment gs = grad == null ? null : grad.segment();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int cBase = labels[i] * dim;
            for (int d = 0; d < dim; d++) {
                long idx = (long) i * dim + d;
                double diff = (double) xs.getAtIndex(F, idx) - centers[cBase + d];
                sum += diff * diff;
                if (gs != null) {
                    gs.setAtIndex(F, idx, (float) (scale * diff));
                }
            }
        }
        return (float) (0.5 * sum * scale);
    }

    /**
     * Wen's centre update with this batch: {@code c_j -= alpha * sum_{i: y_i = j}(c_j - x_i) / (1 + n_j)}.
     *
     * @throws IllegalArgumentException as {@link #forward(Tensor, int[], Tensor)}; the centres are then unchanged
     */
    public void updateCenters(Tensor embeddings, int[] labels) {
        int n = check(embeddings, labels);
        MemorySegment xs = embeddings.segment();
        double[] delta = new double[numClasses * dim];
        int[] count = new int[numClasses];
        for (int i = 0; i < n; i++) {
            int k = labels[i];
            count[k]++;
            for (int d = 0; d < dim; d++) {
                delta[k * dim + d] += (double) centers[k * dim + d] - xs.getAtIndex(F, (long) i * dim + d);
            }
        }
        for (int k = 0; k < numClasses; k++) {
            if (count[k] == 0) {
                continue;
            }
            for (int d = 0; d < dim; d++) {
                int j = k * dim + d;
                centers[j] = (float) (centers[j] - alpha * delta[j] / (1 + count[k]));
            }
        }
    }

    private int check(Tensor embeddings, int[] labels) {
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(labels, "labels");
        if (embeddings.rank() != 2 || embeddings.dim(1) != dim) {
            throw new IllegalArgumentException("CenterLoss: embeddings must be [N, " + dim + "] but is "
                    + embeddings.shapeString());
        }
        int n = embeddings.dim(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("CenterLoss: labels has " + labels.length + " entries but embeddings "
                    + embeddings.shapeString() + " has " + n + " rows");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("CenterLoss: label must be in [0, " + numClasses + ") but is "
                        + labels[i] + " at " + i);
            }
        }
        MemorySegment xs = embeddings.segment();
        for (long i = 0; i < (long) n * dim; i++) {
            float v = xs.getAtIndex(F, i);
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("CenterLoss: embeddings must be finite but is " + v + " at ["
                        + i / dim + ", " + i % dim + "]");
            }
        }
        return n;
    }

    /** Builder; numClasses and dim are required (or given by {@link #centers}); alpha 0.5, reduction SUM. */
    public static final class Builder {
        private int numClasses = -1;
        private int dim = -1;
        private double alpha = 0.5;
        private Reduction reduction = Reduction.SUM;
        private float[] centers;

        private Builder() {}

        /** Number of classes K >= 1 (zero centres unless {@link #centers} is given). */
        public Builder numClasses(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("numClasses must be >= 1 but is " + k);
            }
            this.numClasses = k;
            return this;
        }

        /** Embedding dimension D >= 1. */
        public Builder dim(int d) {
            if (d < 1) {
                throw new IllegalArgumentException("dim must be >= 1 but is " + d);
            }
            this.dim = d;
            return this;
        }

        /** Initial centres {@code [K, D]}, finite; copied. Sets numClasses and dim. */
        public Builder centers(Tensor initial) {
            Objects.requireNonNull(initial, "centers");
            if (initial.rank() != 2 || initial.dim(0) < 1 || initial.dim(1) < 1) {
                throw new IllegalArgumentException("centers must be [K, D] with K, D >= 1 but is "
                        + initial.shapeString());
            }
            float[] v = initial.toArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException("centers must be finite but is " + v[i] + " at ["
                            + i / initial.dim(1) + ", " + i % initial.dim(1) + "]");
                }
            }
            this.numClasses = initial.dim(0);
            this.dim = initial.dim(1);
            this.centers = v;
            return this;
        }

        /** Centre learning rate alpha in [0, 1] (Wen: 0.5). */
        public Builder alpha(double alpha) {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("alpha must be in [0, 1] but is " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** SUM (default, Wen's original) or MEAN (divided by N). */
        public Builder reduction(Reduction reduction) {
            Objects.requireNonNull(reduction, "reduction");
            if (reduction != Reduction.SUM && reduction != Reduction.MEAN) {
                throw new IllegalArgumentException("CenterLoss supports SUM and MEAN but got " + reduction);
            }
            this.reduction = reduction;
            return this;
        }

        public CenterLoss build() {
            if (numClasses < 1 || dim < 1) {
                throw new IllegalArgumentException("CenterLoss needs numClasses and dim (or centers) but has "
                        + numClasses + " and " + dim);
            }
            if (centers != null && centers.length != numClasses * dim) {
                throw new IllegalArgumentException("centers have " + centers.length + " values but numClasses "
                        + numClasses + " x dim " + dim + " = " + numClasses * dim);
            }
            return new CenterLoss(this);
        }
    }
}
