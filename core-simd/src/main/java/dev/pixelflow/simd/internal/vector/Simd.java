package dev.pixelflow.simd.internal.vector;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The species every vector kernel uses, chosen once: the CPU's preferred float shape. */
final class Simd {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Whether HotSpot compiles {@code fma} to the FMA instruction (otherwise it is emulated, slowly). */
    static final boolean FMA = useFma();

    private Simd() {
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
