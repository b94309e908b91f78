package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Fully connected layer, PyTorch {@code nn.Linear}: input {@code [B, in]} (an input {@code [B, d1, ..., dn]} of
 * higher rank is read as {@code [B, d1*...*dn]}, which must equal {@code in}), output {@code [B, out]} with
 * {@code y = x * weight^T + bias}. Parameters {@code weight [out, in]} (He-normal by default, or Xavier for
 * tanh/sigmoid/linear outputs) and optional {@code bias [out]} (zeros).
 */
public final class Dense implements Layer {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int in;
    private final int out;
    private final Parameter weight;
    private final @Nullable Parameter bias;

    private Dense(Builder b) {
        this.in = b.in;
        this.out = b.out;
        this.weight = Parameter.of("weight", b.init, true, out, in);
        this.bias = b.bias ? Parameter.of("bias", Initializer.zeros(), false, out) : null;
    }

    /** A layer from {@code in} to {@code out} features. */
    public static Builder builder(int in, int out) {
        return new Builder(in, out);
    }

    /** {@code in -> out} with bias and He-normal weights (for ReLU-type activations). */
    public static Dense of(int in, int out) {
        return builder(in, out).build();
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public @Nullable Parameter bias() {
        return bias;
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length < 2 || input[0] < 1 || Shapes.features(this, input) != in) {
            throw new IllegalArgumentException(this + " expects input [B, " + in + "] (or [B, ...] with " + in
                    + " features per sample), got " + java.util.Arrays.toString(input));
        }
        return new int[] {input[0], out};
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        int[] s = outputShape(x.shape());
        Tensor x2 = x.reshape(s[0], in);
        Tensor y = pass.take(s);
        Ops ops = pass.ops();
        ops.gemm(false, true, 1f, x2, pass.value(weight), 0f, y);
        if (bias != null) {
            ops.addChannelBias(y, pass.value(bias));
        }
        pass.save(x);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        int b = x.dim(0);
        Tensor x2 = x.reshape(b, in);
        Ops ops = pass.ops();
        ops.gemm(true, false, 1f, dy, x2, 0f, pass.grad(weight)); // dW = dy^T x
        if (bias != null) {
            biasGradient(dy.segment(), b, pass.grad(bias).segment());
        }
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        ops.gemm(false, false, 1f, dy, pass.value(weight), 0f, dx.reshape(b, in)); // dx = dy W
        return dx;
    }

    /** db[o] = sum over the batch of dy[b, o], accumulated in double. */
    private void biasGradient(MemorySegment dy, int batch, MemorySegment db) {
        for (int o = 0; o < out; o++) {
            double s = 0;
            for (int r = 0; r < batch; r++) {
                s += dy.getAtIndex(F, (long) r * out + o);
            }
            db.setAtIndex(F, o, (float) s);
        }
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String toString() {
        return "Dense(" + in + "->" + out + ")";
    }

    /** Options of a {@link Dense}; defaults: bias, He-normal weights. */
    public static final class Builder {
        private final int in;
        private final int out;
        private boolean bias = true;
        private Initializer init = Initializer.heNormal();

        private Builder(int in, int out) {
            if (in < 1 || out < 1) {
                throw new IllegalArgumentException("Dense: features must be >= 1, got in " + in + ", out " + out);
            }
            this.in = in;
            this.out = out;
        }

        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** He-normal weights {@code N(0, 2/in)}, for ReLU-type activations (the default). */
        public Builder he() {
            return initializer(Initializer.heNormal());
        }

        /** Xavier-uniform weights {@code U(-b, b)}, {@code b = sqrt(6/(in+out))}, for tanh, sigmoid or linear. */
        public Builder xavier() {
            return initializer(Initializer.xavierUniform());
        }

        public Builder initializer(Initializer init) {
            this.init = Objects.requireNonNull(init, "initializer");
            return this;
        }

        public Dense build() {
            return new Dense(this);
        }
    }
}
