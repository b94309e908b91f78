package dev.pixelflow.simd.internal;

import dev.pixelflow.simd.internal.scalar.ScalarKernels;
import java.lang.System.Logger.Level;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Chooses the kernel implementation once per JVM and logs the choice.
 *
 * <p>System property {@value #PROPERTY}: {@code auto} (default) takes the Vector API kernels when the
 * {@code jdk.incubator.vector} module is in the boot layer on a little-endian platform and falls back to the
 * scalar reference with a warning otherwise; {@code vector} insists on the Vector API (fails when it cannot run
 * them); {@code scalar} takes the reference kernels. The vector kernels are loaded reflectively so that a JVM
 * without the module never links them.
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

    /**
     * True on a little-endian platform (x86-64, aarch64), which the Vector API kernels need: some of them stage
     * float vectors as long lanes, and the Vector API reinterprets lanes in little-endian order.
     */
    public static boolean littleEndian() {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }

    /** The Vector API kernels. @throws IllegalStateException when the module is missing or the platform big-endian */
    public static Kernels vector() {
        if (!vectorAvailable()) {
            throw new IllegalStateException("the Vector API module is not in this JVM: start java with "
                    + "--add-modules jdk.incubator.vector");
        }
        if (!littleEndian()) {
            throw new IllegalStateException("the Vector API kernels need a little-endian platform; this one is "
                    + ByteOrder.nativeOrder() + ": use -D" + PROPERTY + "=scalar");
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
                if (!vectorAvailable()) {
                    LOG.log(Level.WARNING, "jdk.incubator.vector is not available (add --add-modules "
                            + "jdk.incubator.vector to the java command): using the scalar kernels, several "
                            + "times slower");
                    k = scalar();
                } else if (!littleEndian()) {
                    LOG.log(Level.WARNING, "the Vector API kernels need a little-endian platform; this one is "
                            + ByteOrder.nativeOrder() + ": using the scalar kernels, several times slower");
                    k = scalar();
                } else {
                    k = vector();
                }
            }
            default -> throw new IllegalArgumentException("system property " + PROPERTY
                    + " must be auto, vector or scalar; got '" + mode + "'");
        }
        LOG.log(Level.INFO, "pixelflow kernels: " + k.description() + " (" + PROPERTY + "=" + mode + ")");
        return k;
    }
}
