package dev.pixelflow.bench;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;

/** What every kernel benchmark needs: the provider named by its {@code @Param}, and seeded random inputs. */
final class BenchInputs {
    private BenchInputs() {
    }

    /** The kernel provider for a {@code provider} parameter value ({@code vector} or {@code scalar}). */
    static Ops.Provider provider(String name) {
        return switch (name) {
            case "vector" -> Ops.Provider.VECTOR;
            case "scalar" -> Ops.Provider.SCALAR;
            default -> throw new IllegalArgumentException("provider must be vector or scalar, got " + name);
        };
    }

    /** A new tensor of uniform values in [-1, 1) drawn from {@code r}. */
    static Tensor random(SplittableRandom r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] v = new float[(int) t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return t.copyFrom(v);
    }
}
