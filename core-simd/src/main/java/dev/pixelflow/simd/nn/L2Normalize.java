package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Scales each row to unit Euclidean norm, PyTorch {@code F.normalize(x, p=2, dim=1, eps=1e-12)}: input
 * {@code [B, D]}, output {@code [B, D]} with {@code y[b] = x[b] / max(||x[b]||, eps)}. A zero row gives a zero
 * output (and a finite gradient {@code dy / eps}). For rows with {@code ||x|| > eps} the gradient is
 * {@code dx = (dy - y * <y, dy>) / ||x||}. Norms are accumulated in double. No parameters.
 */
public final class L2Normalize implements Layer {
    private static final ValueLayout.OfFloat FL = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final double eps;

    private L2Normalize(double eps) {
        this.eps = eps;
    }

    /** With eps 1e-12, as {@code F.normalize}. */
    public static L2Normalize create() {
        return new L2Normalize(1e-12);
    }

    /** With a custom {@code eps > 0}. */
    public static L2Normalize withEps(double eps) {
        if (!(eps > 0 && Double.isFinite(eps))) {
            throw new IllegalArgumentException("L2Normalize eps must be finite and > 0, got " + eps);
        }
        return new L2Normalize(eps);
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 2 || input[0] < 1 || input[1] < 1) {
            throw new IllegalArgumentException(this + " expects input [B, D], got " + Arrays.toString(input));
        }
        return input.clone();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        outputShape(x.shape());
        int rows = x.dim(0);
        int d = x.dim(1);
        Tensor y = pass.take(x.shape());
        MemorySegment xm = x.segment();
        MemorySegment ym = y.segment();
        for (int b = 0; b < rows; b++) {
            long base = (long) b * d;
            double inv = 1.0 / Math.max(norm(xm, base, d), eps);
            for (int i = 0; i < d; i++) {
                ym.setAtIndex(FL, base + i, (float) (xm.getAtIndex(FL, base + i) * inv));
            }
        }
        pass.save(x);
        pass.save(y);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor y = pass.restore();
        Tensor x = pass.restore();
        if (!inputGradient) {
            return null;
        }
        int rows = x.dim(0);
        int d = x.dim(1);
        Tensor dx = pass.take(x.shape());
        MemorySegment xm = x.segment();
        MemorySegment ym = y.segment();
        MemorySegment dym = dy.segment();
        MemorySegment dxm = dx.segment();
        for (int b = 0; b < rows; b++) {
            long base = (long) b * d;
            double n = norm(xm, base, d);
            if (n > eps) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) ym.getAtIndex(FL, base + i) * dym.getAtIndex(FL, base + i);
                }
                for (int i = 0; i < d; i++) {
                    dxm.setAtIndex(FL, base + i,
                            (float) ((dym.getAtIndex(FL, base + i) - ym.getAtIndex(FL, base + i) * dot) / n));
                }
            } else { // y = x / eps: linear in x
                for (int i = 0; i < d; i++) {
                    dxm.setAtIndex(FL, base + i, (float) (dym.getAtIndex(FL, base + i) / eps));
                }
            }
        }
        return dx;
    }

    private static double norm(MemorySegment m, long base, int d) {
        double ss = 0;
        for (int i = 0; i < d; i++) {
            double v = m.getAtIndex(FL, base + i);
            ss += v * v;
        }
        return Math.sqrt(ss);
    }

    @Override
    public String toString() {
        return "L2Normalize";
    }
}
