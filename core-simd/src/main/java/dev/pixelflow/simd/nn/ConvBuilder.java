package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Conv2dSpec;
import java.util.Objects;

/**
 * The options {@link Conv2d} and {@link ConvTranspose2d} share: channels, kernel, stride, padding, groups (a
 * {@link Conv2dSpec}), bias and initializer. Defaults: stride 1, no padding, no dilation, one group, a bias,
 * He-normal weights.
 *
 * @param <B> the concrete builder, returned by every setter so calls chain
 */
public abstract class ConvBuilder<B extends ConvBuilder<B>> {
    final String layer;
    final int inChannels;
    final int outChannels;
    final int kernelH;
    final int kernelW;
    Conv2dSpec spec = Conv2dSpec.DEFAULT;
    boolean bias = true;
    Initializer init = Initializer.heNormal();

    ConvBuilder(String layer, int in, int out, int kh, int kw) {
        if (in < 1 || out < 1 || kh < 1 || kw < 1) {
            throw new IllegalArgumentException(layer + ": channels and kernel must be >= 1, got in " + in + ", out "
                    + out + ", kernel " + kh + "x" + kw);
        }
        this.layer = layer;
        this.inChannels = in;
        this.outChannels = out;
        this.kernelH = kh;
        this.kernelW = kw;
    }

    abstract B self();

    /** Stride, padding, dilation, groups (and, for a transposed convolution, output padding) all at once. */
    public B spec(Conv2dSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        return self();
    }

    public B stride(int stride) {
        return spec(new Conv2dSpec(stride, stride, spec.padH(), spec.padW(), spec.dilationH(), spec.dilationW(),
                spec.groups(), spec.outputPadH(), spec.outputPadW()));
    }

    public B padding(int padding) {
        return spec(new Conv2dSpec(spec.strideH(), spec.strideW(), padding, padding, spec.dilationH(),
                spec.dilationW(), spec.groups(), spec.outputPadH(), spec.outputPadW()));
    }

    public B groups(int groups) {
        return spec(spec.withGroups(groups));
    }

    public B bias(boolean bias) {
        this.bias = bias;
        return self();
    }

    public B initializer(Initializer init) {
        this.init = Objects.requireNonNull(init, "initializer");
        return self();
    }

    /** Both channel counts must be divisible by the number of groups. */
    void checkGroups() {
        if (inChannels % spec.groups() != 0 || outChannels % spec.groups() != 0) {
            throw new IllegalArgumentException(layer + ": channels " + inChannels + "->" + outChannels
                    + " must both be divisible by groups " + spec.groups());
        }
    }
}
