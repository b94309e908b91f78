package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
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

    /** Requires every value to be finite; names the first offending flat index. */
    static void requireFinite(String name, Tensor t) {
        MemorySegment s = t.segment();
        long n = t.size();
        for (long i = 0; i < n; i++) {
            float v = s.getAtIndex(F32, i);
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + " (shape " + t.shapeString() + ") holds " + v
                        + " at flat index " + i);
            }
        }
    }
}
