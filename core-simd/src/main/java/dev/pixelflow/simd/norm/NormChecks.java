package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/** Argument checks shared by the normalizers. */
final class NormChecks {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private NormChecks() {
    }

    /** Requires a non-empty {@code [B, C, H, W]} tensor. */
    static void requireImages(String name, Tensor t) {
        Objects.requireNonNull(t, name);
        if (t.rank() != 4) {
            throw new IllegalArgumentException(name + " must be [B, C, H, W], got shape " + t.shapeString());
        }
        if (t.size() == 0) {
            throw new IllegalArgumentException(name + " is empty, shape " + t.shapeString());
        }
    }

    static void requireSameShape(String inName, Tensor in, String outName, Tensor out) {
        requireImages(inName, in);
        Objects.requireNonNull(out, outName);
        if (!out.hasShape(in.shape())) {
            throw new IllegalArgumentException(outName + " has shape " + out.shapeString() + " but " + inName
                    + " has shape " + in.shapeString());
        }
    }

    /** Requires every value to be finite; names the first offending flat index. One vector pass. */
    static void requireFinite(String name, Tensor t, Kernels kernels) {
        NormPlanes.flat(name, t).requireFinite(kernels);
    }

    /** The error for a NaN or infinite value {@code v} at flat index {@code index} of {@code t}. */
    static IllegalArgumentException nonFinite(String name, Tensor t, long index, float v) {
        return new IllegalArgumentException(name + " (shape " + t.shapeString() + ") holds " + v
                + " at flat index " + index);
    }
}
