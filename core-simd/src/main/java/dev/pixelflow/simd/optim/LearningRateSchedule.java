package dev.pixelflow.simd.optim;

import java.util.Objects;

/**
 * The learning rate of each step. {@code step} counts completed optimizer steps: the rate for the first step is
 * {@code rate(0)}, so a trainer calls {@code optimizer.step(model, schedule.rate(optimizer.steps()))} and a
 * restored run continues the schedule where it stopped.
 *
 * <p>The factories follow PyTorch's closed forms ({@code StepLR}, {@code ExponentialLR},
 * {@code CosineAnnealingLR}) and validate their arguments.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The rate for the step taken after {@code step} completed steps ({@code step >= 0}). */
    double rate(long step);

    /** Always {@code rate}. */
    static LearningRateSchedule constant(double rate) {
        checkRate("rate", rate);
        return step -> rate;
    }

    /** {@code rate * gamma^floor(step / every)} (PyTorch {@code StepLR}); {@code every >= 1}, gamma in (0, 1]. */
    static LearningRateSchedule stepDecay(double rate, long every, double gamma) {
        checkRate("rate", rate);
        if (every < 1) {
            throw new IllegalArgumentException("step decay interval must be >= 1, got " + every);
        }
        Kernel.check("gamma", gamma, 0, false, 1, true);
        return step -> rate * Math.pow(gamma, Math.floorDiv(checkStep(step), every));
    }

    /** {@code rate * gamma^step} (PyTorch {@code ExponentialLR}); gamma in (0, 1]. */
    static LearningRateSchedule exponential(double rate, double gamma) {
        checkRate("rate", rate);
        Kernel.check("gamma", gamma, 0, false, 1, true);
        return step -> rate * Math.pow(gamma, checkStep(step));
    }

    /**
     * Cosine annealing from {@code rate} to {@code minRate} over {@code period} steps, then {@code minRate}:
     * {@code minRate + (rate - minRate) * (1 + cos(pi * step / period)) / 2} for {@code step <= period} (PyTorch
     * {@code CosineAnnealingLR} with {@code T_max = period} over its first half-cycle).
     */
    static LearningRateSchedule cosine(double rate, double minRate, long period) {
        checkRate("rate", rate);
        checkRate("minimum rate", minRate);
        if (minRate > rate) {
            throw new IllegalArgumentException("minimum rate " + minRate + " exceeds the initial rate " + rate);
        }
        if (period < 1) {
            throw new IllegalArgumentException("cosine period must be >= 1 step, got " + period);
        }
        return step -> {
            long s = Math.min(checkStep(step), period);
            return minRate + (rate - minRate) * (1 + Math.cos(Math.PI * s / period)) / 2;
        };
    }

    /**
     * Linear warm-up over the first {@code steps} steps, then {@code after} shifted by the warm-up:
     * {@code after.rate(0) * (step + 1) / steps} for {@code step < steps}, else {@code after.rate(step - steps)}.
     */
    static LearningRateSchedule warmup(long steps, LearningRateSchedule after) {
        Objects.requireNonNull(after, "after");
        if (steps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + steps);
        }
        return step -> checkStep(step) < steps ? after.rate(0) * (step + 1) / steps : after.rate(step - steps);
    }

    /** This schedule after a linear warm-up of {@code steps} steps; see {@link #warmup}. */
    default LearningRateSchedule withWarmup(long steps) {
        return warmup(steps, this);
    }

    private static void checkRate(String what, double rate) {
        if (!(rate >= 0 && rate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + rate);
        }
    }

    private static long checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return step;
    }
}
