package dev.pixelflow.simd.optim;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.Kernels;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Parameter;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Shared machinery of the optimizers: binding to one model, the weight-decay ranges, lazily allocated flat state
 * tensors, the step count, state export and import.
 */
abstract class FlatOptimizer implements Optimizer {
    final Kernels kernels;
    private Model model;
    /** Runs of consecutive parameters with the same decay flag: [start, length) in elements. */
    long[] runStart;
    long[] runLength;
    boolean[] runDecays;
    private Tensor[] state;
    long steps;
    private boolean closed;

    FlatOptimizer(Kernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public final void step(Model model, double learningRate) {
        Objects.requireNonNull(model, "model");
        if (!(learningRate >= 0 && learningRate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + learningRate);
        }
        bind(model);
        boolean first = state == null;
        if (first) {
            state = allocate(model.parameterCount());
        }
        steps++;
        update(model.values(), model.gradients(), state, learningRate, first);
    }

    /** One update; {@code state} follows {@link #stateNames()}; {@code first} when it was just zero-allocated. */
    abstract void update(Tensor values, Tensor gradients, Tensor[] state, double lr, boolean first);

    @Override
    public final Map<String, Tensor> state() {
        ensureOpen();
        if (state == null) {
            return Map.of();
        }
        List<String> names = stateNames();
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), state[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public final void restoreState(Model model, long steps, Map<String, float[]> saved) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(saved, "state");
        ensureOpen();
        if (steps < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + steps);
        }
        List<String> names = stateNames();
        long n = model.parameterCount();
        if (steps == 0 || names.isEmpty()) {
            if (!saved.isEmpty()) {
                throw new IllegalArgumentException(type() + " optimizer state " + (steps == 0 ? "at step 0 " : "")
                        + "must be empty, got tensors " + saved.keySet());
            }
        } else {
            Set<String> unexpected = new HashSet<>(saved.keySet());
            unexpected.removeAll(names);
            if (!unexpected.isEmpty()) {
                throw new IllegalArgumentException(type() + " optimizer state has unexpected tensors " + unexpected
                        + "; expected " + names);
            }
            for (String name : names) {
                float[] a = saved.get(name);
                if (a == null) {
                    throw new IllegalArgumentException(type() + " optimizer state is missing tensor '" + name
                            + "'; expected " + names);
                }
                if (a.length != n) {
                    throw new IllegalArgumentException(type() + " optimizer state tensor '" + name + "' has "
                            + a.length + " elements but the model has " + n + " parameters");
                }
            }
        }
        if (this.model != null && this.model != model) {
            throw new IllegalArgumentException("this optimizer is bound to another model");
        }
        bind(model);
        freeState();
        if (steps > 0 && !names.isEmpty()) {
            state = allocate(n);
            for (int i = 0; i < names.size(); i++) {
                if (n > 0) {
                    state[i].copyFrom(saved.get(names.get(i)));
                }
            }
        }
        this.steps = steps;
    }

    private Tensor[] allocate(long n) {
        List<String> names = stateNames();
        Tensor[] t = new Tensor[names.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = Tensor.zeros((int) n);
        }
        return t;
    }

    private void bind(Model m) {
        ensureOpen();
        if (model == m) {
            return;
        }
        if (model != null) {
            throw new IllegalArgumentException("this optimizer is bound to another model (" + model
                    + "); use one optimizer per model");
        }
        List<Parameter> params = m.parameters();
        long[] start = new long[params.size()];
        long[] length = new long[params.size()];
        boolean[] decays = new boolean[params.size()];
        int runs = 0;
        long offset = 0;
        for (Parameter p : params) {
            if (runs > 0 && decays[runs - 1] == p.decays()) {
                length[runs - 1] += p.size();
            } else {
                start[runs] = offset;
                length[runs] = p.size();
                decays[runs] = p.decays();
                runs++;
            }
            offset += p.size();
        }
        runStart = Arrays.copyOf(start, runs);
        runLength = Arrays.copyOf(length, runs);
        runDecays = Arrays.copyOf(decays, runs);
        model = m;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(type() + " optimizer was closed");
        }
    }

    private void freeState() {
        if (state != null) {
            for (Tensor t : state) {
                t.close();
            }
            state = null;
        }
    }

    @Override
    public void close() {
        freeState();
        closed = true;
    }
}
