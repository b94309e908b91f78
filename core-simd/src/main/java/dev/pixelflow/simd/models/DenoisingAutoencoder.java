package dev.pixelflow.simd.models;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.nn.ActivationLayer;
import dev.pixelflow.simd.nn.Conv2d;
import dev.pixelflow.simd.nn.Initializer;
import dev.pixelflow.simd.nn.Layer;
import dev.pixelflow.simd.nn.MaxPool2d;
import dev.pixelflow.simd.nn.Sequential;
import dev.pixelflow.simd.nn.Upsample;
import java.util.Arrays;
import java.util.Objects;

/**
 * A convolutional denoising autoencoder: input {@code [B, channels, H, W]} (the noisy, normalized frame), output
 * of the same shape (the reconstruction, in the same normalized units). {@code H} and {@code W} must be divisible
 * by 4.
 *
 * <p>Architecture with width {@code w}: 3x3 conv to {@code w} + ReLU, 2x2 max pool, 3x3 conv to {@code 2w} + ReLU,
 * 2x2 max pool, 3x3 conv {@code 2w} + ReLU, bilinear x2, 3x3 conv to {@code w} + ReLU, bilinear x2, 3x3 conv
 * {@code w} + ReLU, 1x1 conv to {@code channels}, then the output activation.
 *
 * <p>The output activation must match the target's range: with z-scored (or quantile-scaled) targets, which are
 * unbounded and negative half the time, use {@link Activation#IDENTITY} (the default); a sigmoid output can only
 * produce (0, 1) and stalls on such targets. Use a sigmoid only for targets scaled to [0, 1].
 */
public final class DenoisingAutoencoder extends Architecture {
    private final int channels;

    private DenoisingAutoencoder(Builder b) {
        super(build(b));
        this.channels = b.channels;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    void checkInput(int[] input) {
        if (input.length != 4 || input[1] != channels || input[2] % 4 != 0 || input[3] % 4 != 0) {
            throw new IllegalArgumentException("DenoisingAutoencoder expects [B, " + channels
                    + ", H, W] with H and W divisible by 4, got " + Arrays.toString(input));
        }
    }

    private static Layer build(Builder b) {
        int w = b.width;
        return Sequential.of(
                Conv2d.same(b.channels, w, 3), ActivationLayer.relu(), MaxPool2d.of(2),
                Conv2d.same(w, 2 * w, 3), ActivationLayer.relu(), MaxPool2d.of(2),
                Conv2d.same(2 * w, 2 * w, 3), ActivationLayer.relu(), Upsample.scale(2),
                Conv2d.same(2 * w, w, 3), ActivationLayer.relu(), Upsample.scale(2),
                Conv2d.same(w, w, 3), ActivationLayer.relu(),
                Conv2d.builder(w, b.channels, 1).initializer(Initializer.xavierUniform()).build(),
                ActivationLayer.of(b.output));
    }

    @Override
    public String toString() {
        return "DenoisingAutoencoder";
    }

    /** Options; defaults: 1 channel, width 16, identity output. */
    public static final class Builder {
        private int channels = 1;
        private int width = 16;
        private Activation output = Activation.IDENTITY;

        private Builder() {
        }

        public Builder channels(int c) {
            this.channels = Args.positive("channels", c);
            return this;
        }

        public Builder width(int w) {
            this.width = Args.positive("width", w);
            return this;
        }

        /** The output activation: IDENTITY (default, for normalized targets) or SIGMOID (targets in [0, 1]). */
        public Builder output(Activation output) {
            this.output = Objects.requireNonNull(output, "output");
            return this;
        }

        public DenoisingAutoencoder build() {
            return new DenoisingAutoencoder(this);
        }
    }
}
