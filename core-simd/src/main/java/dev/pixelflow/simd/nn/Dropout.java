package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Inverted dropout, PyTorch {@code nn.Dropout(p)}: any shape in, the same shape out. In a training pass each element
 * is kept with probability {@code 1 - p} and scaled by {@code 1 / (1 - p)}, otherwise zeroed:
 * {@code y = x * m} with {@code m} in {@code {0, 1/(1-p)}}, so the expected output equals the input. Outside
 * training (inference) it is the identity. The mask is drawn from {@link Pass#random()}, one draw per element in
 * flat order, so a forward with the same seed reproduces the same mask; it is kept in the pass's workspace for the
 * backward pass ({@code dx = dy * m}).
 */
public final class Dropout implements Layer {
    private static final ValueLayout.OfFloat FL = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final double p;

    private Dropout(double p) {
        this.p = p;
    }

    /** Drops each element with probability {@code p}, {@code 0 <= p < 1}. */
    public static Dropout of(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout probability must be in [0, 1), got " + p);
        }
        return new Dropout(p);
    }

    public double probability() {
        return p;
    }

    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        if (!pass.training() || p == 0) {
            return x;
        }
        Tensor mask = pass.take(x.shape());
        MemorySegment m = mask.segment();
        SplittableRandom r = pass.random();
        float keep = (float) (1 / (1 - p));
        long n = x.size();
        for (long i = 0; i < n; i++) {
            m.setAtIndex(FL, i, r.nextDouble() < p ? 0f : keep);
        }
        Tensor y = pass.take(x.shape());
        pass.ops().mul(x, mask, y);
        pass.save(mask);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        if (p == 0) {
            return inputGradient ? dy : null;
        }
        Tensor mask = pass.restore();
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(dy.shape());
        pass.ops().mul(dy, mask, dx);
        return dx;
    }

    @Override
    public String toString() {
        return "Dropout(" + p + ")";
    }
}
