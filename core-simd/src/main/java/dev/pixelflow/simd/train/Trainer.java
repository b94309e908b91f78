package dev.pixelflow.simd.train;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.ModelSnapshot;
import dev.pixelflow.simd.nn.Pass;
import dev.pixelflow.simd.optim.GradientClipping;
import dev.pixelflow.simd.optim.GradientGuard;
import dev.pixelflow.simd.optim.LearningRateSchedule;
import dev.pixelflow.simd.optim.Optimizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a {@link Model} one batch at a time: forward, the {@link Objective}'s loss and gradient, backward, optional
 * gradient clipping, a guard that skips steps with a non-finite loss or gradient, and the optimizer update at the
 * scheduled learning rate. A step whose network output, loss or gradient is not finite is skipped and reported in
 * its {@link StepResult}; the weights are then untouched.
 *
 * <p>The trainer is the single writer of the model's weights and is used from one thread (in pixelflow's pipeline,
 * the model-owner actor). Inference elsewhere uses {@link #snapshot()}s: immutable copies tagged with the
 * {@link #version()}, the number of updates applied so far. Steady-state steps allocate no native memory.
 *
 * <p>The trainer does not own the model or the optimizer; {@link #close()} frees only its own pass.
 *
 * @param <T> the objective's target type
 */
public final class Trainer<T> implements AutoCloseable {
    private final Model model;
    private final Objective<T> objective;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final double clipNorm;
    private final long seed;
    private final Pass pass;
    private final GradientGuard guard = new GradientGuard();
    private long steps;

    private Trainer(Builder<T> b) {
        this.model = b.model;
        this.objective = b.objective;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.clipNorm = b.clipNorm;
        this.seed = b.seed;
        this.pass = model.newPass(b.ops);
    }

    /** A trainer of {@code model} towards {@code objective} with {@code optimizer}. */
    public static <T> Builder<T> builder(Model model, Objective<T> objective, Optimizer optimizer) {
        return new Builder<>(model, objective, optimizer);
    }

    /**
     * One training step on a batch.
     *
     * @param inputs the network's input batch, e.g. {@code [B, C, H, W]}
     * @param targets the objective's targets for the same batch
     * @return loss, metrics (of the predictions before the update), whether the update was applied, and timings
     * @throws IllegalArgumentException when the batch does not fit the network or the objective (the weights are
     *     untouched)
     */
    public StepResult step(Tensor inputs, T targets) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        long t0 = System.nanoTime();
        Tensor y = pass.forward(inputs, true, seed + steps);
        long bad = firstNonFinite(y);
        if (bad >= 0) {
            steps++;
            long t1 = System.nanoTime();
            return new StepResult(steps, Double.NaN, false, "the network output is " + y.getFlat(bad) + " at flat index "
                    + bad + ": the weights have diverged (restore a snapshot or checkpoint, lower the learning rate or"
                    + " clip gradients)", Double.NaN, schedule.rate(optimizer.steps()), Map.of(), t1 - t0, 0, 0);
        }
        Tensor dy = pass.take(y.shape());
        double loss = objective.lossAndGradient(y, targets, dy);
        Map<String, Double> metrics = objective.metrics();
        long t1 = System.nanoTime();
        if (Double.isFinite(loss)) {
            pass.backward(dy);
        }
        long t2 = System.nanoTime();
        GradientGuard.Result check = guard.check(model, loss);
        double rate = schedule.rate(optimizer.steps());
        if (check.stepped()) {
            if (clipNorm > 0) {
                GradientClipping.clipNorm(model, clipNorm);
            }
            optimizer.step(model, rate);
        }
        steps++;
        long t3 = System.nanoTime();
        String reason = check.stepped() ? null : switch (check.verdict()) {
            case NON_FINITE_LOSS -> "loss is " + loss;
            case NON_FINITE_GRADIENT -> check.nonFiniteGradients() + " gradient values are NaN or infinite";
            case OK -> null;
        };
        return new StepResult(steps, loss, check.stepped(), reason, check.gradientNorm(), rate, metrics, t1 - t0,
                t2 - t1, t3 - t2);
    }

    /** Index of the first NaN or infinite element, or -1. */
    private static long firstNonFinite(Tensor t) {
        MemorySegment m = t.segment();
        for (long i = 0, n = t.size(); i < n; i++) {
            if (!Float.isFinite(m.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The network's output for {@code inputs} on the current weights (inference mode: no dropout). The result is
     * valid until the next {@code step} or {@code predict}; copy it to keep it.
     */
    public Tensor predict(Tensor inputs) {
        return pass.predict(inputs);
    }

    /** An immutable copy of the current weights, tagged with {@link #version()}, for inference elsewhere. */
    public ModelSnapshot snapshot() {
        return model.snapshot(version());
    }

    /** Steps taken, skipped ones included. */
    public long steps() {
        return steps;
    }

    /** Updates applied to the weights (the optimizer's step count): the version of the weights. */
    public long version() {
        return optimizer.steps();
    }

    /** Steps skipped by the guard so far. */
    public long skippedSteps() {
        return guard.skipped();
    }

    /** Native allocations of the trainer's workspace so far; constant in steady state (same batch shapes). */
    public long nativeAllocations() {
        return pass.nativeAllocations();
    }

    public Model model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * A checkpoint of the weights, the optimizer state and the step count, with {@code metadata} (e.g. the stream
     * offsets the weights reflect). Add normalizer state with {@link #checkpointBuilder()} instead.
     */
    public Checkpoint checkpoint(Map<String, String> metadata) {
        return checkpointBuilder().metadata(metadata).build();
    }

    /** A checkpoint builder holding the weights, optimizer state and step count, for more content. */
    public Checkpoint.Builder checkpointBuilder() {
        return Checkpoint.builder(steps).model(model).optimizer(optimizer);
    }

    /**
     * Resumes from {@code checkpoint}: weights, optimizer state (when present) and step count.
     *
     * @throws IllegalArgumentException when the checkpoint does not fit the model (missing, unexpected or
     *     mis-shaped parameters, named); nothing is changed then
     */
    public void restore(Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        checkpoint.restoreInto(model);
        if (checkpoint.hasOptimizer()) {
            checkpoint.restoreInto(optimizer, model);
        }
        steps = checkpoint.step();
    }

    @Override
    public void close() {
        pass.close();
    }

    @Override
    public String toString() {
        return "Trainer[" + model + ", " + optimizer.type() + ", step " + steps + ", version " + version() + "]";
    }

    /** Options; defaults: {@link Ops#defaults()}, constant learning rate 1e-3, no clipping, seed 0. */
    public static final class Builder<T> {
        private final Model model;
        private final Objective<T> objective;
        private final Optimizer optimizer;
        private Ops ops = Ops.defaults();
        private LearningRateSchedule schedule = LearningRateSchedule.constant(1e-3);
        private double clipNorm;
        private long seed;

        private Builder(Model model, Objective<T> objective, Optimizer optimizer) {
            this.model = Objects.requireNonNull(model, "model");
            this.objective = Objects.requireNonNull(objective, "objective");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        /** The kernels (provider and threads). */
        public Builder<T> ops(Ops ops) {
            this.ops = Objects.requireNonNull(ops, "ops");
            return this;
        }

        /** A constant learning rate. */
        public Builder<T> learningRate(double rate) {
            return schedule(LearningRateSchedule.constant(rate));
        }

        /** The learning rate as a function of the number of updates applied. */
        public Builder<T> schedule(LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /** Clip the global gradient L2 norm to {@code maxNorm} (PyTorch {@code clip_grad_norm_}); 0 disables. */
        public Builder<T> clipGradientNorm(double maxNorm) {
            if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("max gradient norm must be finite and >= 0, got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /** Seed of stochastic layers (dropout); step {@code n} uses {@code seed + n}. */
        public Builder<T> seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Trainer<T> build() {
            return new Trainer<>(this);
        }
    }
}
