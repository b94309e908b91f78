package dev.pixelflow.simd.internal;

import dev.pixelflow.simd.Activation;
import java.lang.foreign.MemorySegment;

/**
 * The kernel layer: every op pixelflow computes, implemented twice — a plain scalar reference
 * ({@code internal.scalar}) and a Vector API version ({@code internal.vector}). The public facade
 * ({@link dev.pixelflow.simd.Ops}) validates shapes and sizes; implementations only {@code assert}.
 *
 * <p>Conventions: every {@link MemorySegment} is native and holds float32 in native byte order, starting at
 * byte 0 unless an explicit element offset is given; tensors are row-major (NCHW for images). Outputs are
 * overwritten, never accumulated into, unless the method says otherwise. Ops that take a
 * {@link ComputePool} may split their work over it; the others run on the calling thread.
 */
public interface Kernels {

    /** A one-line description for the start-up log (name, species, lanes, FMA). */
    String description();

    // ------------------------------------------------------------------ GEMM

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, where {@code op(A)} is {@code m x k} and
     * {@code op(B)} is {@code k x n}. Without transposition A is stored {@code m x k} with row stride
     * {@code lda >= k}; with {@code transA} it is stored {@code k x m} with {@code lda >= m}; likewise B
     * ({@code k x n}, {@code ldb >= n}, or {@code n x k}, {@code ldb >= k}); C is {@code m x n}, {@code ldc >= n}.
     * Offsets are in floats. When {@code beta == 0}, C is not read (NaNs in it do not propagate), as in BLAS.
     */
    void sgemm(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
               MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
               float beta, MemorySegment c, long cOff, int ldc);

    // ------------------------------------------------------------------ convolution

    /** y = conv(x, w) + bias; {@code bias} may be null. */
    void conv2dForward(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
                       MemorySegment y);

    /** dx = gradient of the loss w.r.t. the input, from dy (overwrites dx). */
    void conv2dBackwardData(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment w, MemorySegment dx);

    /** dw = gradient w.r.t. the weight, summed over the batch (overwrites dw). */
    void conv2dBackwardWeight(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dw);

    /** db[c] = sum of dy over batch and pixels of channel c (overwrites db). */
    void conv2dBackwardBias(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment db);

    // ------------------------------------------------------------------ pooling and resizing

    void maxPool2dForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y);

    /**
     * dx from dy; the arg-max of each window is recomputed from x (the first maximum in row-major window
     * order wins, as in PyTorch). Overwrites dx; overlapping windows accumulate.
     */
    void maxPool2dBackward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment dy, MemorySegment dx);

    void avgPool2dForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y);

    void avgPool2dBackward(ComputePool pool, PoolGeometry g, MemorySegment dy, MemorySegment dx);

    void upsampleBilinearForward(ComputePool pool, UpsampleGeometry g, MemorySegment x, MemorySegment y);

    /** dx from dy (overwrites dx). */
    void upsampleBilinearBackward(ComputePool pool, UpsampleGeometry g, MemorySegment dy, MemorySegment dx);

    // ------------------------------------------------------------------ pointwise

    /** y[i] = f(x[i]) for i in [0, n); x and y may be the same segment. */
    void activationForward(Activation f, MemorySegment x, MemorySegment y, long n);

    /**
     * dx[i] = dy[i] * f'(x[i]); ReLU and leaky ReLU read x, sigmoid and tanh read the forward output y
     * (both are always passed). dx may alias dy.
     */
    void activationBackward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx,
                            long n);

    /** out = a + b. */
    void add(MemorySegment a, MemorySegment b, MemorySegment out, long n);

    /** out = a - b. */
    void sub(MemorySegment a, MemorySegment b, MemorySegment out, long n);

    /** out = a * b (elementwise). */
    void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n);

    /** out = s * a. */
    void scale(MemorySegment a, float s, MemorySegment out, long n);

    /** y += alpha * x. */
    void axpy(float alpha, MemorySegment x, MemorySegment y, long n);

    /** x[b][c][i] += bias[c] for a tensor of shape [batch][channels][inner]. */
    void addChannelBias(MemorySegment x, MemorySegment bias, int batch, int channels, int inner);

    // ------------------------------------------------------------------ reductions (float accumulation)

    float sum(MemorySegment a, long n);

    float dot(MemorySegment a, MemorySegment b, long n);

    float sumOfSquares(MemorySegment a, long n);

    /** Largest element; NaN if any element is NaN. n &gt;= 1. */
    float max(MemorySegment a, long n);

    /** Smallest element; NaN if any element is NaN. n &gt;= 1. */
    float min(MemorySegment a, long n);

    // ------------------------------------------------------------------ distances

    /**
     * out[i][j] = sum_k (x[i][k] - y[j][k])^2 for x {@code [n][d]}, y {@code [m][d]}, out {@code [n][m]},
     * computed in difference form (no |x|^2 + |y|^2 - 2xy cancellation).
     */
    void pairwiseSquaredDistances(ComputePool pool, MemorySegment x, int n, MemorySegment y, int m, int d,
                                  MemorySegment out);

    // ------------------------------------------------------------------ losses

    /**
     * Binary cross-entropy on logits over a {@code [batch][channels][inner]} block, one pass over memory:
     * {@code l = w*[(1-y)*x + (1+(p-1)*y)*(log(1+exp(-|x|)) + max(-x,0))]} and
     * {@code grad = gradScale * w*((p*y+1-y)*sigmoid(x) - p*y)}.
     *
     * @param weight element weights or null (all 1)
     * @param posWeight {@code [channels]} positive weights or null (all 1)
     * @param grad gradient output or null
     * @param lossMap per-element loss output or null
     * @return the summed loss (double accumulation across blocks), or NaN when an input is invalid (a non-finite
     *     logit, a target outside [0, 1], a weight that is negative or not finite); the kernel then stops before
     *     writing the offending block, so the outputs never hold NaN
     */
    double bceWithLogits(MemorySegment x, MemorySegment y, MemorySegment weight, MemorySegment posWeight,
                         int batch, int channels, long inner, float gradScale, MemorySegment grad,
                         MemorySegment lossMap);

    // ------------------------------------------------------------------ input normalization

    /**
     * Moments of the {@code n >= 1} floats {@code a[off, off + n)} in one pass over memory:
     * {@code out[outOff] = mean}, {@code out[outOff + 1] = M2 = sum (x - mean)^2}. Two passes per L1-sized chunk
     * (sum, then deviations from the chunk mean), chunks merged in double by Chan et al.'s formula, so a large
     * common offset (mean 1e4, std 1) costs no accuracy: against a double two-pass reference the mean is within
     * 1e-6 std and M2 within 1e-5 relative (tested).
     *
     * @return false when a value is NaN or infinite ({@code out} then holds no meaningful numbers)
     */
    boolean normMoments(MemorySegment a, long off, long n, double[] out, int outOff);

    /**
     * {@code out[outOff] = min}, {@code out[outOff + 1] = max} of the {@code n >= 1} floats
     * {@code a[off, off + n)}, one pass.
     *
     * @return false when a value is NaN or infinite
     */
    boolean normMinMax(MemorySegment a, long off, long n, double[] out, int outOff);

    /**
     * {@code out[outOff + i] = min(max(fma((in[inOff + i] - shiftHi) - shiftLo, mul, add), lo), hi)} in float for
     * i in [0, n) (pass infinite bounds for no clamp). The shift is split into two floats so that the
     * difference keeps the precision of a double shift when data sit on a large offset. {@code out} may be
     * {@code in} with equal offsets. With {@code checkFinite}, the run is processed in chunks and a chunk is
     * scanned before any of it is written.
     *
     * @return -1, or (with {@code checkFinite}) the index relative to the run of the first NaN or infinite
     *     input; nothing from the start of the chunk holding it onwards has been written
     */
    long normAffine(MemorySegment in, long inOff, MemorySegment out, long outOff, long n, float shiftHi,
                    float shiftLo, float mul, float add, float lo, float hi, boolean checkFinite);

    // ------------------------------------------------------------------ optimizer updates and gradient checks

    /**
     * One SGD step (PyTorch {@code torch.optim.SGD}) on elements {@code [off, off + n)} of the flat parameter
     * {@code p}, gradient {@code g} and momentum buffer {@code buf}, in float:
     * {@code d = g + weightDecay * p}; with a buffer, {@code buf = first ? d : momentum * buf + (1 - dampening) * d}
     * and {@code d = nesterov ? d + momentum * buf : buf}; then {@code p -= lr * d}. {@code buf} is null when
     * momentum is 0 (then momentum, dampening, nesterov and first are ignored). {@code g} is only read.
     */
    void sgdUpdate(MemorySegment p, MemorySegment g, MemorySegment buf, long off, long n, float lr,
                   float weightDecay, float momentum, float dampening, boolean nesterov, boolean first);

    /**
     * One Adam/AdamW step (PyTorch {@code torch.optim.Adam}/{@code AdamW}, no amsgrad) on elements
     * {@code [off, off + n)}, in float: {@code p *= decayScale} (AdamW's decoupled decay {@code 1 - lr * wd}, 1 for
     * Adam); {@code d = g + l2 * p} (Adam's L2 weight decay, 0 for AdamW); {@code m = beta1 * m + c1 * d};
     * {@code v = beta2 * v + c2 * d * d} with {@code c1 = 1 - beta1}, {@code c2 = 1 - beta2} rounded from
     * double (not {@code 1f - beta}, which loses digits); {@code p -= stepSize * m / (sqrt(v) / bc2Sqrt + eps)} with
     * {@code stepSize = lr / (1 - beta1^t)} and {@code bc2Sqrt = sqrt(1 - beta2^t)}. {@code g} is only read.
     */
    void adamUpdate(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                    float beta1, float c1, float beta2, float c2, float stepSize, float bc2Sqrt, float eps, float l2,
                    float decayScale);

    /**
     * {@code sum a[i]^2} accumulated in double (so it never overflows for finite floats): finite exactly when
     * every element is finite, NaN when one is NaN, infinite when one is infinite and none is NaN.
     */
    double squaredNorm(MemorySegment a, long n);

    /** {@code a[i] = min(max(a[i], lo), hi)} in place; NaN stays NaN (like {@code torch.clamp_}). */
    void clamp(MemorySegment a, float lo, float hi, long n);

    /**
     * {@link #bceWithLogits(MemorySegment, MemorySegment, MemorySegment, MemorySegment, int, int, long, float,
     * MemorySegment, MemorySegment) bceWithLogits} split over {@code pool} (null: the calling thread). The
     * partial sums are combined in a fixed order, so the result does not depend on the number of threads.
     */
    double bceWithLogits(ComputePool pool, MemorySegment x, MemorySegment y, MemorySegment weight,
                         MemorySegment posWeight, int batch, int channels, long inner, float gradScale,
                         MemorySegment grad, MemorySegment lossMap);

    /**
     * Softmax cross-entropy over the classes of NCHW logits {@code [batch][classes][spatial]} with labels
     * {@code [batch][spatial]} (integral floats), one pass over memory. Per pixel with label {@code y},
     * {@code m = max_c x_c}, {@code S = sum_c exp(x_c - m)}, {@code eps = smoothing}, {@code W = sum_c w_c}:
     * <pre>
     *   l      = (1-eps) * w_y * (m - x_y + log S) + eps/C * (W log S + sum_c w_c (m - x_c))
     *   grad_c = gradScale * [(1-eps) w_y (p_c - [c = y]) + eps/C (p_c W - w_c)],  p_c = exp(x_c - m) / S
     * </pre>
     * Pixels whose label equals {@code ignoreLabel} get loss 0 and gradient 0.
     *
     * @param classWeights {@code [classes]} or null (all 1)
     * @param grad {@code [batch][classes][spatial]} gradient output or null
     * @param lossMap {@code [batch][spatial]} per-pixel loss output or null
     * @return the summed loss, or NaN when a label is neither {@code ignoreLabel} nor an integer in
     *     {@code [0, classes)} or a logit is NaN; the kernel then stops before writing the offending pixels, so
     *     the outputs never hold NaN written for them. The partial sums are combined in a fixed order.
     */
    double softmaxCrossEntropy(ComputePool pool, MemorySegment logits, MemorySegment labels, int batch,
                               int classes, int spatial, float[] classWeights, float ignoreLabel, float smoothing,
                               float gradScale, MemorySegment grad, MemorySegment lossMap);

    /**
     * {@code sum w[y_n]} over the {@code n} labels that are not {@code ignoreLabel} (the denominator of the
     * weighted mean of {@link #softmaxCrossEntropy}); NaN when a label is neither {@code ignoreLabel} nor an
     * integer in {@code [0, classes)}.
     */
    double softmaxLabelWeightSum(ComputePool pool, MemorySegment labels, long n, int classes, float[] classWeights,
                                 float ignoreLabel);
}
