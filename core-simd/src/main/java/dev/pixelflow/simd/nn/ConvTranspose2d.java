package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Conv2dSpec;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Transposed 2-D convolution, PyTorch {@code nn.ConvTranspose2d}: input {@code [B, inChannels, H, W]}, output
 * {@code [B, outChannels, H', W']} with
 * {@code H' = (H - 1)*strideH - 2*padH + dilH*(kH - 1) + outputPadH + 1} (W alike). Parameters
 * {@code weight [inChannels, outChannels/groups, kH, kW]} (PyTorch's layout; He-normal by default, whose fan-in is
 * then {@code outChannels/groups * kH * kW} as PyTorch computes it for this shape) and optional
 * {@code bias [outChannels]} (zeros). Output padding ({@code 0 <= outputPadding < max(stride, dilation)}) picks
 * which of the input sizes a strided convolution maps to the same size this layer produces, e.g. stride 2, kernel
 * 3, padding 1, output padding 1 exactly doubles H and W.
 */
public final class ConvTranspose2d implements Layer {
    private final int inChannels;
    private final int outChannels;
    private final Conv2dSpec spec;
    private final Parameter weight;
    private final @Nullable Parameter bias;

    private ConvTranspose2d(Builder b) {
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.spec = b.spec;
        this.weight = Parameter.of("weight", b.init, true, inChannels, outChannels / spec.groups(), b.kernelH,
                b.kernelW);
        this.bias = b.bias ? Parameter.of("bias", Initializer.zeros(), false, outChannels) : null;
    }

    /** A transposed convolution from {@code in} to {@code out} channels with a square {@code kernel}. */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, kernel, kernel);
    }

    /** A transposed convolution with a {@code kernelH x kernelW} kernel. */
    public static Builder builder(int in, int out, int kernelH, int kernelW) {
        return new Builder(in, out, kernelH, kernelW);
    }

    /**
     * The usual decoder step that doubles H and W exactly: kernel 2, stride 2, no padding
     * ({@code H' = 2H}), with bias.
     */
    public static ConvTranspose2d doubling(int in, int out) {
        return builder(in, out, 2).stride(2).build();
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
        return Ops.convTranspose2dOutputShape(input, weight.shape(), spec);
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor y = pass.take(outputShape(x.shape()));
        pass.ops().convTranspose2d(x, pass.value(weight), bias == null ? null : pass.value(bias), spec, y);
        pass.save(x);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor x = pass.restore();
        Ops ops = pass.ops();
        ops.convTranspose2dBackwardWeight(x, dy, spec, pass.grad(weight));
        if (bias != null) {
            ops.conv2dBackwardBias(dy, pass.grad(bias));
        }
        if (!inputGradient) {
            return null;
        }
        Tensor dx = pass.take(x.shape());
        ops.convTranspose2dBackwardData(dy, pass.value(weight), spec, dx);
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public String toString() {
        int[] w = weight.shape();
        return "ConvTranspose2d(" + inChannels + "->" + outChannels + ", " + w[2] + "x" + w[3] + ", " + spec + ")";
    }

    /** Options of a {@link ConvTranspose2d}; see {@link ConvBuilder} for the shared options and defaults. */
    public static final class Builder extends ConvBuilder<Builder> {
        private Builder(int in, int out, int kh, int kw) {
            super("ConvTranspose2d", in, out, kh, kw);
        }

        @Override
        Builder self() {
            return this;
        }

        /** Output padding; set the stride (or dilation) first, it must be smaller than one of them. */
        public Builder outputPadding(int outputPadding) {
            return spec(spec.withOutputPadding(outputPadding));
        }

        public ConvTranspose2d build() {
            checkGroups();
            return new ConvTranspose2d(this);
        }
    }
}
