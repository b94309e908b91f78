package dev.pixelflow.simd.internal.scalar;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import dev.pixelflow.simd.internal.Kernels;
import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import java.lang.foreign.MemorySegment;

/**
 * The scalar reference kernels: plain loops that state each op's definition as directly as possible. They
 * are what the Vector API kernels are tested against, and the fallback where the Vector API is missing.
 */
public final class ScalarKernels implements Kernels {
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String description() {
        return "scalar reference kernels (no SIMD)";
    }

    @Override
    public void sgemm(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, float beta,
                      MemorySegment c, long cOff, int ldc) {
        ScalarGemm.sgemm(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void conv2dForward(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
                              MemorySegment y) {
        ScalarConv.forward(pool, g, x, w, bias, y);
    }

    @Override
    public void conv2dBackwardData(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment w,
                                   MemorySegment dx) {
        ScalarConv.backwardData(pool, g, dy, w, dx);
    }

    @Override
    public void conv2dBackwardWeight(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy,
                                     MemorySegment dw) {
        ScalarConv.backwardWeight(pool, g, x, dy, dw);
    }

    @Override
    public void conv2dBackwardBias(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment db) {
        ScalarConv.backwardBias(pool, g, dy, db);
    }

    @Override
    public void maxPool2dForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        ScalarPooling.maxForward(pool, g, x, y);
    }

    @Override
    public void maxPool2dBackward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment dy,
                                  MemorySegment dx) {
        ScalarPooling.maxBackward(pool, g, x, dy, dx);
    }

    @Override
    public void avgPool2dForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        ScalarPooling.avgForward(pool, g, x, y);
    }

    @Override
    public void avgPool2dBackward(ComputePool pool, PoolGeometry g, MemorySegment dy, MemorySegment dx) {
        ScalarPooling.avgBackward(pool, g, dy, dx);
    }

    @Override
    public void upsampleBilinearForward(ComputePool pool, UpsampleGeometry g, MemorySegment x, MemorySegment y) {
        ScalarPooling.bilinearForward(pool, g, x, y);
    }

    @Override
    public void upsampleBilinearBackward(ComputePool pool, UpsampleGeometry g, MemorySegment dy, MemorySegment dx) {
        ScalarPooling.bilinearBackward(pool, g, dy, dx);
    }

    @Override
    public void activationForward(Activation f, MemorySegment x, MemorySegment y, long n) {
        ScalarPointwise.activationForward(f, x, y, n);
    }

    @Override
    public void activationBackward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy,
                                   MemorySegment dx, long n) {
        ScalarPointwise.activationBackward(f, x, y, dy, dx, n);
    }

    @Override
    public void add(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        ScalarPointwise.add(a, b, out, n);
    }

    @Override
    public void sub(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        ScalarPointwise.sub(a, b, out, n);
    }

    @Override
    public void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        ScalarPointwise.mul(a, b, out, n);
    }

    @Override
    public void scale(MemorySegment a, float s, MemorySegment out, long n) {
        ScalarPointwise.scale(a, s, out, n);
    }

    @Override
    public void axpy(float alpha, MemorySegment x, MemorySegment y, long n) {
        ScalarPointwise.axpy(alpha, x, y, n);
    }

    @Override
    public void addChannelBias(MemorySegment x, MemorySegment bias, int batch, int channels, int inner) {
        ScalarPointwise.addChannelBias(x, bias, batch, channels, inner);
    }

    @Override
    public float sum(MemorySegment a, long n) {
        return ScalarPointwise.sum(a, n);
    }

    @Override
    public float dot(MemorySegment a, MemorySegment b, long n) {
        return ScalarPointwise.dot(a, b, n);
    }

    @Override
    public float sumOfSquares(MemorySegment a, long n) {
        return ScalarPointwise.sumOfSquares(a, n);
    }

    @Override
    public float max(MemorySegment a, long n) {
        return ScalarPointwise.max(a, n);
    }

    @Override
    public float min(MemorySegment a, long n) {
        return ScalarPointwise.min(a, n);
    }

    @Override
    public void pairwiseSquaredDistances(ComputePool pool, MemorySegment x, int n, MemorySegment y, int m, int d,
                                         MemorySegment out) {
        ScalarPointwise.pairwiseSquaredDistances(pool, x, n, y, m, d, out);
    }

    @Override
    public double bceWithLogits(MemorySegment x, MemorySegment y, MemorySegment weight, MemorySegment posWeight,
                                int batch, int channels, long inner, float gradScale, MemorySegment grad,
                                MemorySegment lossMap) {
        return ScalarLosses.bceWithLogits(null, x, y, weight, posWeight, batch, channels, inner, gradScale, grad,
                lossMap);
    }

    @Override
    public double bceWithLogits(ComputePool pool, MemorySegment x, MemorySegment y, MemorySegment weight,
                                MemorySegment posWeight, int batch, int channels, long inner, float gradScale,
                                MemorySegment grad, MemorySegment lossMap) {
        return ScalarLosses.bceWithLogits(pool, x, y, weight, posWeight, batch, channels, inner, gradScale, grad,
                lossMap);
    }

    @Override
    public double softmaxCrossEntropy(ComputePool pool, MemorySegment logits, MemorySegment labels, int batch,
                                      int classes, int spatial, float[] classWeights, float ignoreLabel,
                                      float smoothing, float gradScale, MemorySegment grad, MemorySegment lossMap) {
        return ScalarLosses.softmaxCrossEntropy(pool, logits, labels, batch, classes, spatial, classWeights, ignoreLabel,
                smoothing, gradScale, grad, lossMap);
    }

    @Override
    public double softmaxLabelWeightSum(ComputePool pool, MemorySegment labels, long n, int classes,
                                        float[] classWeights, float ignoreLabel) {
        return ScalarLosses.softmaxLabelWeightSum(pool, labels, n, classes, classWeights, ignoreLabel);
    }

    @Override
    public boolean normMoments(MemorySegment a, long off, long n, double[] out, int outOff) {
        return ScalarNorm.moments(a, off, n, out, outOff);
    }

    @Override
    public boolean normMinMax(MemorySegment a, long off, long n, double[] out, int outOff) {
        return ScalarNorm.minMax(a, off, n, out, outOff);
    }

    @Override
    public long normAffine(MemorySegment in, long inOff, MemorySegment out, long outOff, long n, float shiftHi,
                           float shiftLo, float mul, float add, float lo, float hi, boolean checkFinite) {
        return ScalarNorm.affine(in, inOff, out, outOff, n, shiftHi, shiftLo, mul, add, lo, hi, checkFinite);
    }

    // ------------------------------------------------------------------ optimizer updates and gradient checks

    @Override
    public void sgdUpdate(MemorySegment p, MemorySegment g, MemorySegment buf, long off, long n, float lr,
                          float weightDecay, float momentum, float dampening, boolean nesterov, boolean first) {
        ScalarOptim.sgd(p, g, buf, off, n, lr, weightDecay, momentum, dampening, nesterov, first);
    }

    @Override
    public void adamUpdate(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                           float beta1, float c1, float beta2, float c2, float stepSize, float bc2Sqrt, float eps,
                           float l2, float decayScale) {
        ScalarOptim.adam(p, g, m, v, off, n, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, l2, decayScale);
    }

    @Override
    public double squaredNorm(MemorySegment a, long n) {
        return ScalarOptim.squaredNorm(a, n);
    }

    @Override
    public void clamp(MemorySegment a, float lo, float hi, long n) {
        ScalarOptim.clamp(a, lo, hi, n);
    }
}
