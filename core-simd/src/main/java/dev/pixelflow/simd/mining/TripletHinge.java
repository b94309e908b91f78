package dev.pixelflow.simd.mining;

/**
 * The loss of one triplet as a function of {@code z = d_ap - d_an}: the hinge {@code max(z + margin, 0)} or the
 * soft margin {@code softplus(z)}, and its slope {@code dl/dz} (1 or 0 for the hinge, {@code sigmoid(z)} for the
 * soft margin).
 */
record TripletHinge(double margin, boolean soft) {
    double loss(double z) {
        return soft ? softplus(z) : Math.max(z + margin, 0);
    }

    double slope(double z) {
        if (soft) {
            return sigmoid(z);
        }
        return z + margin > 0 ? 1 : 0;
    }

    /** {@code log(1 + e^z)} without overflow. */
    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
