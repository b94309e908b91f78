package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Pool2dSpec;
import java.util.Arrays;

/** Shape checks shared by the layers; messages name the layer and the layout it expects. */
final class Shapes {
    private Shapes() {
    }

    /** Requires an image batch {@code [B, C, H, W]} with every dimension >= 1. */
    static void requireImages(Object layer, int[] input) {
        if (input.length != 4 || !positive(input)) {
            throw new IllegalArgumentException(layer + " expects input [B, C, H, W], got " + Arrays.toString(input));
        }
    }

    /** Requires a batch of rank >= 2 {@code [B, ...]} with every dimension >= 1. */
    static void requireBatch(Object layer, int[] input) {
        if (input.length < 2 || !positive(input)) {
            throw new IllegalArgumentException(layer + " expects input [B, ...] of rank >= 2, got "
                    + Arrays.toString(input));
        }
    }

    /** Requires {@code [B, features]}. */
    static void requireRows(Object layer, int[] input, int features) {
        if (input.length != 2 || !positive(input) || input[1] != features) {
            throw new IllegalArgumentException(layer + " expects input [B, " + features + "], got "
                    + Arrays.toString(input));
        }
    }

    /** The product of the dimensions after the first, as an int. */
    static int features(Object layer, int[] input) {
        long f = 1;
        for (int i = 1; i < input.length; i++) {
            f *= input[i];
        }
        if (f > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(layer + ": " + f + " features per sample in " + Arrays.toString(input)
                    + " is too many");
        }
        return (int) f;
    }

    /** The output shape of a pooling window {@code spec} over an image batch, rejecting windows larger than it. */
    static int[] pooled(Object layer, Pool2dSpec spec, int[] input) {
        requireImages(layer, input);
        int oh = spec.outputHeight(input[2]);
        int ow = spec.outputWidth(input[3]);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(layer + ": input " + Arrays.toString(input) + " is smaller than the"
                    + " pooling window, output would be " + oh + "x" + ow);
        }
        return new int[] {input[0], input[1], oh, ow};
    }

    /** {@code Name(kHxkW, stride sHxsW, padding pHxpW} without the closing parenthesis. */
    static String window(String name, Pool2dSpec spec) {
        return name + "(" + spec.kernelH() + "x" + spec.kernelW() + ", stride " + spec.strideH() + "x"
                + spec.strideW() + ", padding " + spec.padH() + "x" + spec.padW();
    }

    private static boolean positive(int[] s) {
        for (int d : s) {
            if (d < 1) {
                return false;
            }
        }
        return true;
    }
}
