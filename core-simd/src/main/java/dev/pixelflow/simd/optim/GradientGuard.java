package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Model;
import java.util.Objects;

/**
 * Skips optimizer steps whose loss or gradients are not finite (NaN or infinite), so one bad batch cannot poison
 * the weights, and counts what it skipped. Use it between backward and the optimizer:
 *
 * <pre>
 * GradientGuard.Result r = guard.step(model, loss, optimizer, schedule.rate(optimizer.steps()));
 * if (!r.stepped()) log.warn(r);   // weights and optimizer state untouched
 * </pre>
 *
 * One sweep over the gradients (their squared norm in double, which is finite exactly when every gradient is);
 * the non-finite elements are counted only when there are some. Not thread safe (one per trainer).
 */
public final class GradientGuard {

    /** Why a step was taken or skipped. */
    public enum Verdict {
        /** Loss and gradients are finite: the step is (or may be) taken. */
        OK,
        /** The loss is NaN or infinite: skipped (the gradients are not inspected). */
        NON_FINITE_LOSS,
        /** A gradient is NaN or infinite: skipped. */
        NON_FINITE_GRADIENT
    }

    /**
     * The outcome of one check.
     *
     * @param verdict OK or the reason for skipping
     * @param loss the loss value checked
     * @param gradientNorm the global L2 norm of the gradients (NaN when not computed because the loss was bad)
     * @param nonFiniteGradients how many gradient elements are NaN or infinite (0 when OK)
     * @param checks checks so far, this one included
     * @param skipped steps skipped so far, this one included
     * @param consecutiveSkips skips in a row ending with this check (0 when OK)
     */
    public record Result(Verdict verdict, double loss, double gradientNorm, long nonFiniteGradients, long checks,
                         long skipped, long consecutiveSkips) {
        /** Whether the step may be (or was) taken. */
        public boolean stepped() {
            return verdict == Verdict.OK;
        }
    }

    private long checks;
    private long skipped;
    private long consecutive;

    /**
     * Checks {@code loss} and {@code model.gradients()} without changing anything but the counters.
     */
    public Result check(Model model, double loss) {
        Objects.requireNonNull(model, "model");
        checks++;
        if (!Double.isFinite(loss)) {
            return skip(Verdict.NON_FINITE_LOSS, loss, Double.NaN, 0);
        }
        double norm = Math.sqrt(GradientClipping.squaredNorm(GradientClipping.kernels(), model));
        if (!Double.isFinite(norm)) {
            return skip(Verdict.NON_FINITE_GRADIENT, loss, norm, countNonFinite(model));
        }
        consecutive = 0;
        return new Result(Verdict.OK, loss, norm, 0, checks, skipped, 0);
    }

    /**
     * Checks, then runs {@code optimizer.step(model, learningRate)} only when the check passed; a skipped step
     * leaves the weights and the optimizer (its state and step count) untouched.
     */
    public Result step(Model model, double loss, Optimizer optimizer, double learningRate) {
        Objects.requireNonNull(optimizer, "optimizer");
        Result r = check(model, loss);
        if (r.stepped()) {
            optimizer.step(model, learningRate);
        }
        return r;
    }

    /** Checks so far. */
    public long checks() {
        return checks;
    }

    /** Skipped steps so far. */
    public long skipped() {
        return skipped;
    }

    /** Skips in a row up to the last check (0 after a good one); a trainer may stop when it grows too large. */
    public long consecutiveSkips() {
        return consecutive;
    }

    private Result skip(Verdict v, double loss, double norm, long bad) {
        skipped++;
        consecutive++;
        return new Result(v, loss, norm, bad, checks, skipped, consecutive);
    }

    private static long countNonFinite(Model model) {
        Tensor g = model.gradients();
        long bad = 0;
        for (long i = 0, n = model.parameterCount(); i < n; i++) {
            if (!Float.isFinite(g.getFlat(i))) {
                bad++;
            }
        }
        return bad;
    }

    @Override
    public String toString() {
        return "GradientGuard[checks=" + checks + ", skipped=" + skipped + ", consecutive=" + consecutive + "]";
    }
}
