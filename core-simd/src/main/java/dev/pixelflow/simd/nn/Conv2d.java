package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Conv2dSpec;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * 2-D convolution, PyTorch {@code nn.Conv2d}: input {@code [B, inChannels, H, W]}, output
 * {@code [B, outChannels, H', W']} with {@code H' = floor((H + 2*padH - dilH*(kH-1) - 1) / strideH) + 1} (W alike).
 * Parameters {@code weight [outChannels, inChannels/groups, kH, kW]} (He-normal by default) and optional
 * {@code bias [outChannels]} (zeros).
 */
public final class Conv2d implements Layer {
    private final int inChannels;
    private final int outChannels;
    private final Conv2dSpec spec;
    private final Parameter weight;
    private final @Nullable Parameter bias;

    private Conv2d(Builder b) {
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.spec = b.spec;
        this.weight = Parameter.of("weight", b.init, true, outChannels, inChannels / spec.groups(), b.kernelH,
                b.kernelW);
        this.bias = b.bias ? Parameter.of("bias", Initializer.zeros(), false, outChannels) : null;
    }

    /** A convolution from {@code in} to {@code out} channels with a square {@code kernel}. */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, kernel, kernel);
    }

    /** Square kernel, stride 1, padding {@code kernel/2} ("same" size for odd kernels), with bias. */
    public static Conv2d same(int in, int out, int kernel) {
        return builder(in, out, kernel).padding(kernel / 2).build();
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public @Nullable Parameter bias() {
        return bias;
    }

    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 4 || input[1] != inChannels) {
            throw new IllegalArgumentException(this + " expects input [B, " + inChannels + ", H, W], got "
                    + Arrays.toString(input));
        }
        return Ops.conv2dOutputShape(input, weight.shape(), spec);
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor y = pass.take(outputShape(x.shape()));
        pass.ops().conv2d(x, pass.value(weight), bias == null ? null : pass.value(bias), spec, y);
        pass.save(x);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        Ops ops = pass.ops();
        ops.conv2dBackwardWeight(x, dy, spec, pass.grad(weight));
        if (bias != null) {
            ops.conv2dBackwardBias(dy, pass.grad(bias));
        }
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        ops.conv2dBackwardData(dy, pass.value(weight), spec, dx);
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String toString() {
        int[] w = weight.shape();
        return "Conv2d(" + inChannels + "->" + outChannels + ", " + w[2] + "x" + w[3] + ", " + spec + ")";
    }

    /** Options of a {@link Conv2d}; see {@link ConvBuilder} for the shared options and defaults. */
    public static final class Builder extends ConvBuilder<Builder> {
        private Builder(int in, int out, int kh, int kw) {
            super("Conv2d", in, out, kh, kw);
        }

        @Override
        Builder self() {
            return this;
        }

        public Conv2d build() {
            checkGroups();
            if (spec.outputPadH() != 0 || spec.outputPadW() != 0) {
                throw new IllegalArgumentException("Conv2d has no output padding, got " + spec.outputPadH() + "x"
                        + spec.outputPadW());
            }
            return new Conv2d(this);
        }
    }
}
