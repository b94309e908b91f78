package dev.pixelflow.simd.internal;

import dev.pixelflow.simd.internal.scalar.ScalarKernels;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Chooses the kernel implementation once per JVM and logs the choice.
 *
 * <p>System property {@value #PROPERTY}: {@code auto} (default) takes the Vector API kernels when the
 * {@code jdk.incubator.vector} module is in the boot layer and falls back to the scalar reference with a
 * warning otherwise; {@code vector} insists on the Vector API (fails when missing); {@code scalar} takes the
 * reference kernels. The vector kernels are loaded reflectively so that a JVM without the module never links
 * them.
 */
public final class KernelProvider {
    public static final String PROPERTY = "pixelflow.simd";
    private static final String VECTOR_CLASS = "dev.pixelflow.simd.internal.vector.VectorKernels";
    private static final System.Logger LOG = System.getLogger("dev.pixelflow.simd");

    private static final class Chosen {
        static final Kernels INSTANCE = choose();
    }

    private KernelProvider() {
    }

    /** The kernels chosen for this JVM (see the class comment). */
    public static Kernels get() {
        return Chosen.INSTANCE;
    }

    /** The scalar reference kernels. */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** True when the Vector API module is present in this JVM. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The Vector API kernels. @throws IllegalStateException when the module is missing */
    public static Kernels vector() {
        if (!vectorAvailable()) {
            throw new IllegalStateException("the Vector API module is not in this JVM: start java with "
                    + "--add-modules jdk.incubator.vector");
        }
        try {
            return (Kernels) Class.forName(VECTOR_CLASS).getField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load the Vector API kernels: " + e, e);
        }
    }

    private static Kernels choose() {
        String mode = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        Kernels k;
        switch (mode) {
            case "scalar" -> k = scalar();
            case "vector" -> k = vector();
            case "auto", "" -> {
                if (vectorAvailable()) {
                    k = vector();
                } else {
                    LOG.log(Level.WARNING, "jdk.incubator.vector is not available (add --add-modules "
                            + "jdk.incubator.vector to the java command): using the scalar kernels, several "
                            + "times slower");
                    k = scalar();
                }
            }
            default -> throw new IllegalArgumentException("system property " + PROPERTY
                    + " must be auto, vector or scalar; got '" + mode + "'");
        }
        LOG.log(Level.INFO, "pixelflow kernels: " + k.description() + " (" + PROPERTY + "=" + mode + ")");
        return k;
    }
}
