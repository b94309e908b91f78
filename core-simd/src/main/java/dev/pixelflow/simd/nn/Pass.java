package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.Workspace;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Runs a network: forward (and, when training, backward) over one batch at a time. A pass holds the kernels, its
 * own scratch workspace, the parameter values (the live weights of a {@link Model} or an immutable
 * {@link ModelSnapshot}) and gradients, the stack of tensors layers save for their backward pass, and the random
 * source of stochastic layers. Layers call the accessors below while they run.
 *
 * <p>A pass has one owner thread and is reused from batch to batch: every {@link #forward} resets the workspace
 * and the saved stack, so steady-state passes allocate no native memory. Tensors it returns are valid until the
 * next forward. Close it to free its workspace.
 */
public final class Pass implements AutoCloseable {
    private final Layer root;
    private final Ops ops;
    private final Workspace workspace;
    private final Parameter[] parameters;
    private final Tensor[] values;
    private final Tensor @Nullable [] grads;
    private final ArrayDeque<Tensor> saved = new ArrayDeque<>();
    private boolean training;
    private SplittableRandom random = new SplittableRandom(0);

    private boolean backwardDue;
    private int @Nullable [] outputShape;

    Pass(Layer root, Ops ops, Parameter[] parameters, Tensor[] values, Tensor @Nullable [] grads) {
        this.root = root;
        this.workspace = new Workspace();
        this.ops = ops;
        this.parameters = parameters;
        this.values = values;
        this.grads = grads;
    }

    /**
     * Runs the network on {@code x}.
     *
     * @param training true to prepare a {@link #backward} (layers save tensors, dropout is active)
     * @param seed drives stochastic layers; pass e.g. the step number so training is reproducible
     * @return the output, valid until the next forward
     * @throws IllegalArgumentException when {@code x} does not fit the network (the message names the layer)
     */
    public Tensor forward(Tensor x, boolean training, long seed) {
        if (training && grads == null) {
            throw new IllegalStateException("this pass runs a snapshot and cannot train");
        }
        Objects.requireNonNull(x, "x");
        outputShape = root.outputShape(x.shape());
        workspace.reset();
        saved.clear();
        this.training = training;
        this.random = new SplittableRandom(seed);
        this.backwardDue = training;
        return root.forward(x, this);
    }

    /** Inference: {@code forward(x, false, 0)}. */
    public Tensor predict(Tensor x) {
        return forward(x, false, 0);
    }

    /**
     * Back-propagates {@code dy = dL/dy} (shaped like the last training forward's output) and overwrites every
     * parameter gradient of the model. The input gradient is not computed.
     */
    public void backward(Tensor dy) {
        run(dy, false);
    }

    /**
     * Like {@link #backward} and also returns {@code dL/dx} for the input of the last training forward (valid until
     * the next forward), for callers that chain this network after another one.
     */
    public Tensor backwardToInput(Tensor dy) {
        return Objects.requireNonNull(run(dy, true), "the network returned no input gradient");
    }

    private @Nullable Tensor run(Tensor dy, boolean inputGradient) {
        Objects.requireNonNull(dy, "dy");
        if (!backwardDue) {
            throw new IllegalStateException("backward needs a preceding training forward (and only one backward per"
                    + " forward)");
        }
        if (!Arrays.equals(dy.shape(), outputShape)) {
            throw new IllegalArgumentException("dy has shape " + dy.shapeString() + " but the forward output was "
                    + Arrays.toString(outputShape));
        }
        backwardDue = false;
        Tensor dx = root.backward(dy, this, inputGradient);
        if (!saved.isEmpty()) {
            throw new IllegalStateException(saved.size() + " saved tensors were not restored by backward: a layer"
                    + " saves more than it restores");
        }
        return dx;
    }

    public Ops ops() {
        return ops;
    }

    /** Whether this run will be followed by a backward pass (layers save tensors and dropout is active). */
    public boolean training() {
        return training;
    }

    /** The random source of this run (dropout masks), seeded per run so training is reproducible. */
    public SplittableRandom random() {
        return random;
    }

    /** Scratch tensor valid until the next run; contents unspecified. */
    public Tensor take(int... shape) {
        return workspace.take(shape);
    }

    /** Scratch tensor valid until the next run, filled with zeros. */
    public Tensor takeZeroed(int... shape) {
        return workspace.takeZeroed(shape);
    }

    /** The current value of {@code p}. */
    public Tensor value(Parameter p) {
        return values[slot(p)];
    }

    /** The gradient buffer of {@code p}, which the layer's backward overwrites. */
    public Tensor grad(Parameter p) {
        if (grads == null) {
            throw new IllegalStateException("no gradients in an inference pass");
        }
        return grads[slot(p)];
    }

    /** Saves a tensor for the backward pass (only while training; otherwise ignored). */
    public void save(Tensor t) {
        if (training) {
            saved.push(t);
        }
    }

    /** The most recently saved tensor not yet restored. */
    public Tensor restore() {
        Tensor t = saved.poll();
        if (t == null) {
            throw new IllegalStateException("backward restored more tensors than forward saved");
        }
        return t;
    }

    /** Native allocations of this pass's workspace so far; constant once batches stop growing (steady state). */
    public long nativeAllocations() {
        return workspace.nativeAllocations();
    }

    @Override
    public void close() {
        workspace.close();
    }

    private int slot(Parameter p) {
        int s = p.slot;
        if (s < 0 || s >= parameters.length || parameters[s] != p) {
            throw new IllegalArgumentException("parameter " + p + " does not belong to this model");
        }
        return s;
    }
}
