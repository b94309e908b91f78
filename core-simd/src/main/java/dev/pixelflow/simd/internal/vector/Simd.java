package dev.pixelflow.simd.internal.vector;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** The species every vector kernel uses, chosen once: the CPU's preferred float shape. */
final class Simd {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Whether HotSpot compiles {@code fma} to the FMA instruction (otherwise it is emulated, slowly). */
    static final boolean FMA = useFma();

    /** Rotations by LANES/2, LANES/4, ..., 1 lanes: the fixed pairing of {@link #sum}. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    private Simd() {
    }

    /**
     * The sum of the lanes in one fixed order: the upper half is added to the lower half, lane by lane, until one
     * lane is left. {@code reduceLanes(ADD)} leaves the order open, and HotSpot's compiled code and its
     * interpreter/C1 fallback do associate differently, so the same kernel on the same data could round
     * differently before and after JIT compilation; with this sum a result does not depend on when it is computed.
     */
    static float sum(FloatVector v) {
        FloatVector s = v;
        for (VectorShuffle<Float> half : HALVES) {
            s = s.add(s.rearrange(half));
        }
        return s.lane(0);
    }

    /**
     * {@link #sum} of the vector stored at {@code a[off, off + LANES)}, in scalar code and the same order, so with
     * the same result bit for bit; overwrites those elements. For the end of a kernel method so large that C2 may
     * have stopped inlining by then (its node count cut-off): a vector handed to a call that is not inlined is
     * boxed, and {@link #sum} compiled on its own runs the Vector API's Java fallback, which allocates on every
     * call. Storing the vector into the kernel's scratch array and summing from there allocates nothing either way.
     */
    static float sumLanes(float[] a, int off) {
        for (int h = LANES / 2; h >= 1; h /= 2) {
            for (int i = off; i < off + h; i++) {
                a[i] += a[i + h];
            }
        }
        return a[off];
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int steps = Integer.numberOfTrailingZeros(LANES);
        VectorShuffle<Float>[] h = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) {
            int shift = LANES >> (k + 1);
            h[k] = VectorShuffle.fromOp(SPECIES, i -> (i + shift) % LANES);
        }
        return h;
    }

    private static boolean useFma() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
