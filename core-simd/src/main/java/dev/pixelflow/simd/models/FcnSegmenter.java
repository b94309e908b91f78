package dev.pixelflow.simd.models;

import dev.pixelflow.simd.nn.ActivationLayer;
import dev.pixelflow.simd.nn.Conv2d;
import dev.pixelflow.simd.nn.Graph;
import dev.pixelflow.simd.nn.GroupNorm;
import dev.pixelflow.simd.nn.Layer;
import dev.pixelflow.simd.nn.MaxPool2d;
import dev.pixelflow.simd.nn.Sequential;
import dev.pixelflow.simd.nn.Upsample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fully convolutional U-Net-style segmenter: input {@code [B, inChannels, H, W]}, output logits
 * {@code [B, classes, H, W]} (one channel for binary segmentation, to pair with BCE-with-logits; C channels for
 * softmax cross-entropy). {@code H} and {@code W} must be divisible by {@code 2^depth}.
 *
 * <p>Architecture with width {@code w} and depth {@code d}: level {@code i} (0..d-1) is a block of two 3x3
 * convolutions (padding 1) with {@code w * 2^i} channels, each followed by [GroupNorm and] ReLU, then 2x2 max
 * pooling; a bottom block with {@code w * 2^d} channels; then for each level upwards a bilinear x2 upsampling,
 * concatenation with that level's block output (the skip connection) and a block back to {@code w * 2^i}
 * channels; finally a 1x1 convolution to {@code classes} logits. The defaults (width 16, depth 2) have about
 * 0.12 M parameters and cost about 0.9 GFLOP per 128x128 frame forward.
 */
public final class FcnSegmenter extends Architecture {
    private final int inChannels;
    private final int depth;

    private FcnSegmenter(Builder b) {
        super(build(b));
        this.inChannels = b.inChannels;
        this.depth = b.depth;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    void checkInput(int[] input) {
        int m = 1 << depth;
        if (input.length != 4 || input[1] != inChannels || input[2] % m != 0 || input[3] % m != 0) {
            throw new IllegalArgumentException("FcnSegmenter(depth " + depth + ") expects [B, " + inChannels
                    + ", H, W] with H and W divisible by " + m + ", got " + Arrays.toString(input));
        }
    }

    private static Layer build(Builder b) {
        int[] ch = new int[b.depth + 1];
        for (int i = 0; i <= b.depth; i++) {
            ch[i] = b.width << i;
        }
        Graph.Builder g = Graph.builder();
        String prev = Graph.INPUT;
        for (int i = 0; i < b.depth; i++) {
            g.node("down" + i, block(i == 0 ? b.inChannels : ch[i - 1], ch[i], b.groups), prev);
            g.node("pool" + i, MaxPool2d.of(2), "down" + i);
            prev = "pool" + i;
        }
        g.node("bottom", block(ch[b.depth - 1], ch[b.depth], b.groups), prev);
        prev = "bottom";
        for (int i = b.depth - 1; i >= 0; i--) {
            g.node("upsample" + i, Upsample.scale(2), prev);
            g.concat("skip" + i, "upsample" + i, "down" + i);
            g.node("up" + i, block(ch[i + 1] + ch[i], ch[i], b.groups), "skip" + i);
            prev = "up" + i;
        }
        g.node("head", Conv2d.builder(ch[0], b.classes, 1).build(), prev);
        return g.output("head");
    }

    /** Two 3x3 convolutions, each followed by [GroupNorm and] ReLU. */
    static Sequential block(int in, int out, int groups) {
        List<Layer> l = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            l.add(Conv2d.same(k == 0 ? in : out, out, 3));
            if (groups > 0) {
                l.add(GroupNorm.of(groups, out));
            }
            l.add(ActivationLayer.relu());
        }
        return Sequential.of(l);
    }

    @Override
    public String toString() {
        return "FcnSegmenter(depth " + depth + ")";
    }

    /** Options; defaults: 3 input channels, 1 class (binary), width 16, depth 2, no GroupNorm. */
    public static final class Builder {
        private int inChannels = 3;
        private int classes = 1;
        private int width = 16;
        private int depth = 2;
        private int groups;

        private Builder() {
        }

        public Builder inChannels(int c) {
            this.inChannels = Args.positive("inChannels", c);
            return this;
        }

        /** 1 for binary segmentation (BCE with logits), C >= 2 for softmax cross-entropy over C classes. */
        public Builder classes(int c) {
            this.classes = Args.positive("classes", c);
            return this;
        }

        /** Channels of the first level; each level down doubles it. */
        public Builder width(int w) {
            this.width = Args.positive("width", w);
            return this;
        }

        /** Number of down-sampling levels (1 to 6). */
        public Builder depth(int d) {
            if (d < 1 || d > 6) {
                throw new IllegalArgumentException("depth must be in [1, 6], got " + d);
            }
            this.depth = d;
            return this;
        }

        /**
         * GroupNorm with this many groups after every convolution (0, the default, for none). Statistics are per
         * frame, so it behaves the same with batch 1 and with streaming batches of any size.
         */
        public Builder groupNorm(int groups) {
            if (groups < 0) {
                throw new IllegalArgumentException("groups must be >= 0, got " + groups);
            }
            this.groups = groups;
            return this;
        }

        public FcnSegmenter build() {
            if (groups > 0 && width % groups != 0) {
                throw new IllegalArgumentException("width " + width + " must be divisible by the GroupNorm groups "
                        + groups);
            }
            return new FcnSegmenter(this);
        }
    }
}
