package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import dev.pixelflow.simd.nn.Model;
import java.util.Objects;

/** Gradient clipping over all of a model's gradients ({@link Model#gradients()}), in place. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * The global L2 norm of all gradients, {@code sqrt(sum g^2)} accumulated in double: NaN or infinite when a
     * gradient is.
     */
    public static double norm(Model model) {
        return Math.sqrt(squaredNorm(kernels(), Objects.requireNonNull(model, "model")));
    }

    /**
     * PyTorch {@code clip_grad_norm_}: with {@code norm} the global L2 norm, scales every gradient by
     * {@code maxNorm / (norm + 1e-6)} when that factor is below 1, i.e. when {@code norm + 1e-6 > maxNorm}. A
     * non-finite norm leaves the gradients untouched (PyTorch would fill them with NaN); check the result or use a
     * {@link GradientGuard}.
     *
     * @param maxNorm the largest norm to let through, finite and {@code > 0}
     * @return the norm before clipping
     */
    public static double clipNorm(Model model, double maxNorm) {
        Objects.requireNonNull(model, "model");
        Kernel.check("max norm", maxNorm, 0, false, Double.POSITIVE_INFINITY, false);
        Kernels k = kernels();
        double norm = Math.sqrt(squaredNorm(k, model));
        if (Double.isFinite(norm)) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                Tensor g = model.gradients();
                k.scale(g.segment(), (float) coef, g.segment(), model.parameterCount());
            }
        }
        return norm;
    }

    /**
     * PyTorch {@code clip_grad_value_}: clamps every gradient to {@code [-clipValue, clipValue]}; NaN stays NaN.
     *
     * @param clipValue finite and {@code > 0}
     * @return the global L2 norm before clipping
     */
    public static double clipValue(Model model, double clipValue) {
        Objects.requireNonNull(model, "model");
        Kernel.check("clip value", clipValue, 0, false, Double.POSITIVE_INFINITY, false);
        Kernels k = kernels();
        double norm = Math.sqrt(squaredNorm(k, model));
        float c = (float) clipValue;
        k.clamp(model.gradients().segment(), -c, c, model.parameterCount());
        return norm;
    }

    static double squaredNorm(Kernels k, Model model) {
        return k.squaredNorm(model.gradients().segment(), model.parameterCount());
    }

    static Kernels kernels() {
        return KernelProvider.get();
    }
}
