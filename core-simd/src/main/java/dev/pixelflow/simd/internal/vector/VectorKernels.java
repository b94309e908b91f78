package dev.pixelflow.simd.internal.vector;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import dev.pixelflow.simd.internal.Kernels;
import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import java.lang.foreign.MemorySegment;

/**
 * The Vector API kernels. Every op has a scalar reference twin in {@code internal.scalar} and a randomized
 * test comparing the two at awkward sizes. Only this package imports {@code jdk.incubator.vector}.
 */
public final class VectorKernels implements Kernels {
    public static final VectorKernels INSTANCE = new VectorKernels();

    private VectorKernels() {
    }

    @Override
    public String description() {
        return "Vector API kernels, " + Simd.SPECIES + ", " + Simd.LANES + " float lanes, FMA "
                + (Simd.FMA ? "yes" : "no (HotSpot UseFMA is off: fma is emulated and slow)");
    }

    @Override
    public void sgemm(ComputePool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb, float beta,
                      MemorySegment c, long cOff, int ldc) {
        VectorGemm.sgemm(pool, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void conv2dForward(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment w, MemorySegment bias,
                              MemorySegment y) {
        VectorConv.forward(pool, g, x, w, bias, y);
    }

    @Override
    public void conv2dBackwardData(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment w,
                                   MemorySegment dx) {
        VectorConv.backwardData(pool, g, dy, w, dx);
    }

    @Override
    public void conv2dBackwardWeight(ComputePool pool, ConvGeometry g, MemorySegment x, MemorySegment dy,
                                     MemorySegment dw) {
        VectorConv.backwardWeight(pool, g, x, dy, dw);
    }

    @Override
    public void conv2dBackwardBias(ComputePool pool, ConvGeometry g, MemorySegment dy, MemorySegment db) {
        VectorConv.backwardBias(pool, g, dy, db);
    }

    @Override
    public void maxPool2dForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        VectorPooling.maxForward(pool, g, x, y);
    }

    @Override
    public void maxPool2dBackward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment dy,
                                  MemorySegment dx) {
        VectorPooling.maxBackward(pool, g, x, dy, dx);
    }

    @Override
    public void avgPool2dForward(ComputePool pool, PoolGeometry g, MemorySegment x, MemorySegment y) {
        VectorPooling.avgForward(pool, g, x, y);
    }

    @Override
    public void avgPool2dBackward(ComputePool pool, PoolGeometry g, MemorySegment dy, MemorySegment dx) {
        VectorPooling.avgBackward(pool, g, dy, dx);
    }

    @Override
    public void upsampleBilinearForward(ComputePool pool, UpsampleGeometry g, MemorySegment x, MemorySegment y) {
        VectorPooling.bilinearForward(pool, g, x, y);
    }

    @Override
    public void upsampleBilinearBackward(ComputePool pool, UpsampleGeometry g, MemorySegment dy, MemorySegment dx) {
        VectorPooling.bilinearBackward(pool, g, dy, dx);
    }

    @Override
    public void activationForward(Activation f, MemorySegment x, MemorySegment y, long n) {
        VectorPointwise.activationForward(f, x, y, n);
    }

    @Override
    public void activationBackward(Activation f, MemorySegment x, MemorySegment y, MemorySegment dy,
                                   MemorySegment dx, long n) {
        VectorPointwise.activationBackward(f, x, y, dy, dx, n);
    }

    @Override
    public void add(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        VectorPointwise.add(a, b, out, n);
    }

    @Override
    public void sub(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        VectorPointwise.sub(a, b, out, n);
    }

    @Override
    public void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
        VectorPointwise.mul(a, b, out, n);
    }

    @Override
    public void scale(MemorySegment a, float s, MemorySegment out, long n) {
        VectorPointwise.scale(a, s, out, n);
    }

    @Override
    public void axpy(float alpha, MemorySegment x, MemorySegment y, long n) {
        VectorPointwise.axpy(alpha, x, y, n);
    }

    @Override
    public void addChannelBias(MemorySegment x, MemorySegment bias, int batch, int channels, int inner) {
        VectorPointwise.addChannelBias(x, bias, batch, channels, inner);
    }

    @Override
    public float sum(MemorySegment a, long n) {
        return VectorPointwise.sum(a, n);
    }

    @Override
    public float dot(MemorySegment a, MemorySegment b, long n) {
        return VectorPointwise.dot(a, b, n);
    }

    @Override
    public float sumOfSquares(MemorySegment a, long n) {
        return VectorPointwise.sumOfSquares(a, n);
    }

    @Override
    public float max(MemorySegment a, long n) {
        return VectorPointwise.max(a, n);
    }

    @Override
    public float min(MemorySegment a, long n) {
        return VectorPointwise.min(a, n);
    }

    @Override
    public void pairwiseSquaredDistances(ComputePool pool, MemorySegment x, int n, MemorySegment y, int m, int d,
                                         MemorySegment out) {
        VectorPointwise.pairwiseSquaredDistances(pool, x, n, y, m, d, out);
    }

    @Override
    public double bceWithLogits(MemorySegment x, MemorySegment y, MemorySegment weight, MemorySegment posWeight,
                                int batch, int channels, long inner, float gradScale, MemorySegment grad,
                                MemorySegment lossMap) {
        return VectorLosses.bceWithLogits(null, x, y, weight, posWeight, batch, channels, inner, gradScale, grad,
                lossMap);
    }

    @Override
    public double bceWithLogits(ComputePool pool, MemorySegment x, MemorySegment y, MemorySegment weight,
                                MemorySegment posWeight, int batch, int channels, long inner, float gradScale,
                                MemorySegment grad, MemorySegment lossMap) {
        return VectorLosses.bceWithLogits(pool, x, y, weight, posWeight, batch, channels, inner, gradScale, grad,
                lossMap);
    }

    @Override
    public double softmaxCrossEntropy(ComputePool pool, MemorySegment logits, MemorySegment labels, int batch,
                                      int classes, int spatial, float[] classWeights, float ignoreLabel,
                                      float smoothing, float gradScale, MemorySegment grad, MemorySegment lossMap) {
        return VectorLosses.softmaxCrossEntropy(pool, logits, labels, batch, classes, spatial, classWeights, ignoreLabel,
                smoothing, gradScale, grad, lossMap);
    }

    @Override
    public double softmaxLabelWeightSum(ComputePool pool, MemorySegment labels, long n, int classes,
                                        float[] classWeights, float ignoreLabel) {
        return VectorLosses.softmaxLabelWeightSum(pool, labels, n, classes, classWeights, ignoreLabel);
    }

    @Override
    public boolean normMoments(MemorySegment a, long off, long n, double[] out, int outOff) {
        return VectorNorm.moments(a, off, n, out, outOff);
    }

    @Override
    public boolean normMinMax(MemorySegment a, long off, long n, double[] out, int outOff) {
        return VectorNorm.minMax(a, off, n, out, outOff);
    }

    @Override
    public long normAffine(MemorySegment in, long inOff, MemorySegment out, long outOff, long n, float shiftHi,
                           float shiftLo, float mul, float add, float lo, float hi, boolean checkFinite) {
        return VectorNorm.affine(in, inOff, out, outOff, n, shiftHi, shiftLo, mul, add, lo, hi, checkFinite);
    }

    // ------------------------------------------------------------------ optimizer updates and gradient checks

    @Override
    public void sgdUpdate(MemorySegment p, MemorySegment g, MemorySegment buf, long off, long n, float lr,
                          float weightDecay, float momentum, float dampening, boolean nesterov, boolean first) {
        VectorOptim.sgd(p, g, buf, off, n, lr, weightDecay, momentum, dampening, nesterov, first);
    }

    @Override
    public void adamUpdate(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long off, long n,
                           float beta1, float c1, float beta2, float c2, float stepSize, float bc2Sqrt, float eps,
                           float l2, float decayScale) {
        VectorOptim.adam(p, g, m, v, off, n, beta1, c1, beta2, c2, stepSize, bc2Sqrt, eps, l2, decayScale);
    }

    @Override
    public double squaredNorm(MemorySegment a, long n) {
        return VectorOptim.squaredNorm(a, n);
    }

    @Override
    public void clamp(MemorySegment a, float lo, float hi, long n) {
        VectorOptim.clamp(a, lo, hi, n);
    }
}
