package dev.pixelflow.simd.models;

import dev.pixelflow.simd.nn.ActivationLayer;
import dev.pixelflow.simd.nn.Conv2d;
import dev.pixelflow.simd.nn.Dense;
import dev.pixelflow.simd.nn.GlobalAvgPool;
import dev.pixelflow.simd.nn.L2Normalize;
import dev.pixelflow.simd.nn.Layer;
import dev.pixelflow.simd.nn.MaxPool2d;
import dev.pixelflow.simd.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A convolutional embedding network for metric learning (triplet losses): input {@code [B, inChannels, H, W]},
 * output {@code [B, dimension]}, by default L2-normalized to unit length (FaceNet).
 *
 * <p>Architecture: for each width {@code w_i} a 3x3 convolution (padding 1) + ReLU + 2x2 max pooling; then a 3x3
 * convolution keeping the last width + ReLU; global average pooling; a dense layer to {@code dimension}; L2
 * normalization. With the defaults (widths 16, 32, 64; dimension 128) {@code H} and {@code W} must be at least 8.
 */
public final class EmbeddingNet extends Architecture {
    private final int inChannels;
    private final int minSize;

    private EmbeddingNet(Builder b) {
        super(build(b));
        this.inChannels = b.inChannels;
        this.minSize = 1 << b.widths.length;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    void checkInput(int[] input) {
        if (input.length != 4 || input[1] != inChannels || input[2] < minSize || input[3] < minSize) {
            throw new IllegalArgumentException("EmbeddingNet expects [B, " + inChannels + ", H, W] with H and W >= "
                    + minSize + ", got " + Arrays.toString(input));
        }
    }

    private static Layer build(Builder b) {
        List<Layer> l = new ArrayList<>();
        int c = b.inChannels;
        for (int w : b.widths) {
            l.add(Conv2d.same(c, w, 3));
            l.add(ActivationLayer.relu());
            l.add(MaxPool2d.of(2));
            c = w;
        }
        l.add(Conv2d.same(c, c, 3));
        l.add(ActivationLayer.relu());
        l.add(GlobalAvgPool.create());
        l.add(Dense.builder(c, b.dimension).xavier().build());
        if (b.normalize) {
            l.add(L2Normalize.create());
        }
        return Sequential.of(l);
    }

    @Override
    public String toString() {
        return "EmbeddingNet";
    }

    /** Options; defaults: 3 input channels, widths 16, 32, 64, dimension 128, L2-normalized output. */
    public static final class Builder {
        private int inChannels = 3;
        private int[] widths = {16, 32, 64};
        private int dimension = 128;
        private boolean normalize = true;

        private Builder() {
        }

        public Builder inChannels(int c) {
            this.inChannels = Args.positive("inChannels", c);
            return this;
        }

        /** Channels of the convolution stages, one 2x2 pooling each (1 to 6 stages). */
        public Builder widths(int... widths) {
            if (widths.length < 1 || widths.length > 6) {
                throw new IllegalArgumentException("between 1 and 6 widths, got " + widths.length);
            }
            for (int w : widths) {
                Args.positive("width", w);
            }
            this.widths = widths.clone();
            return this;
        }

        /** Embedding dimension (FaceNet: 128). */
        public Builder dimension(int d) {
            this.dimension = Args.positive("dimension", d);
            return this;
        }

        /** Whether to L2-normalize the output (default true). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        public EmbeddingNet build() {
            return new EmbeddingNet(this);
        }
    }
}
