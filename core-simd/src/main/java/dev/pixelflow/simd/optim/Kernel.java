package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.util.Objects;

/** Maps the public provider choice to kernels. */
final class Kernel {
    private Kernel() {
    }

    static Kernels of(Ops.Provider provider) {
        return switch (Objects.requireNonNull(provider, "provider")) {
            case AUTO -> KernelProvider.get();
            case VECTOR -> KernelProvider.vector();
            case SCALAR -> KernelProvider.scalar();
        };
    }

    static double check(String what, double value, double lo, boolean loInclusive, double hi, boolean hiInclusive) {
        boolean ok = !Double.isNaN(value) && (loInclusive ? value >= lo : value > lo)
                && (hiInclusive ? value <= hi : value < hi);
        if (!ok) {
            throw new IllegalArgumentException(what + " must be in " + (loInclusive ? "[" : "(") + lo + ", "
                    + (hi == Double.POSITIVE_INFINITY ? "inf" : Double.toString(hi)) + (hiInclusive ? "]" : ")")
                    + ", got " + value);
        }
        return value;
    }
}
