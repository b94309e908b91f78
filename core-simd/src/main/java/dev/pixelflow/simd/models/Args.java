package dev.pixelflow.simd.models;

/** Argument checks shared by the architecture builders. */
final class Args {
    private Args() {
    }

    static int positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + v);
        }
        return v;
    }
}
