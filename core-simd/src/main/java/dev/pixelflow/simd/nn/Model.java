package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A network with its trainable state: the root layer, and the values and gradients of every parameter, each in one
 * contiguous native block ({@link #values()}, {@link #gradients()}) so optimizers, gradient clipping, snapshots and
 * checkpoints work on the whole model in one sweep.
 *
 * <p>Parameters are named by their path from the root, e.g. {@code "0.weight"} for the weight of the first layer
 * of a {@link Sequential}. The model is the single writer of its weights; inference elsewhere runs on
 * {@link #snapshot snapshots}.
 */
public final class Model implements AutoCloseable {
    private final Layer root;
    private final Parameter[] parameters;
    private final List<String> names;
    private final Map<String, Parameter> byName;
    private final Tensor values;
    private final Tensor gradients;
    private final Tensor[] valueViews;
    private final Tensor[] gradientViews;

    private Model(Layer root, List<Parameter> params, List<String> names) {
        this.root = root;
        this.parameters = params.toArray(new Parameter[0]);
        this.names = List.copyOf(names);
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (int i = 0; i < parameters.length; i++) {
            m.put(names.get(i), parameters[i]);
        }
        this.byName = Collections.unmodifiableMap(m);
        long total = 0;
        for (Parameter p : parameters) {
            total += p.size();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("model has " + total + " parameters; at most " + Integer.MAX_VALUE
                    + " are supported");
        }
        int n = (int) Math.max(total, 1);
        this.values = Tensor.zeros(n);
        this.gradients = Tensor.zeros(n);
        this.valueViews = views(values, parameters);
        this.gradientViews = views(gradients, parameters);
    }

    /**
     * Builds the model of {@code root} and initializes every parameter with its initializer. Each parameter draws
     * from its own random stream derived from {@code seed} and its name, so adding a layer does not change the
     * initial values of the others.
     *
     * @throws IllegalArgumentException when a parameter already belongs to another model or two children of one
     *     container have the same name
     */
    public static Model create(Layer root, long seed) {
        Objects.requireNonNull(root, "root");
        List<Parameter> params = new ArrayList<>();
        List<String> names = new ArrayList<>();
        collect(root, "", params, names, Collections.newSetFromMap(new IdentityHashMap<>()));
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).slot >= 0) {
                throw new IllegalArgumentException("parameter " + names.get(i) + " already belongs to another model;"
                        + " build new layers for each model");
            }
        }
        Model model = new Model(root, params, names);
        for (int i = 0; i < params.size(); i++) {
            params.get(i).slot = i;
        }
        model.initialize(seed);
        return model;
    }

    private static void collect(Layer layer, String prefix, List<Parameter> params, List<String> names,
                                Set<Layer> seen) {
        if (!seen.add(layer)) {
            throw new IllegalArgumentException("layer " + layer + " appears twice in the network (at " + prefix
                    + "); share weights explicitly instead");
        }
        for (Parameter p : layer.parameters()) {
            params.add(p);
            names.add(prefix + p.name());
        }
        Set<String> childNames = new HashSet<>();
        for (Layer.Child c : layer.children()) {
            if (!childNames.add(c.name())) {
                throw new IllegalArgumentException("two children named '" + c.name() + "' under '" + prefix + "'");
            }
            collect(c.layer(), prefix + c.name() + ".", params, names, seen);
        }
    }

    static Tensor[] views(Tensor block, Parameter[] params) {
        Tensor[] v = new Tensor[params.length];
        long offset = 0;
        for (int i = 0; i < params.length; i++) {
            long size = params[i].size();
            v[i] = Tensor.wrap(block.segment().asSlice(offset * Float.BYTES, size * Float.BYTES), params[i].shape());
            offset += size;
        }
        return v;
    }

    /** Re-initializes every parameter from {@code seed} (see {@link #create}); gradients are zeroed. */
    public void initialize(long seed) {
        for (int i = 0; i < parameters.length; i++) {
            SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (names.get(i).hashCode() + 1L)));
            parameters[i].initializer().initialize(valueViews[i], r);
        }
        gradients.fill(0f);
    }

    public Layer root() {
        return root;
    }

    /** The parameters in order. */
    public List<Parameter> parameters() {
        return List.of(parameters);
    }

    /** The parameters by path name, in order. */
    public Map<String, Parameter> namedParameters() {
        return byName;
    }

    /** The path name of parameter {@code i}. */
    public String name(int i) {
        return names.get(i);
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        long t = 0;
        for (Parameter p : parameters) {
            t += p.size();
        }
        return t;
    }

    /** The value tensor of {@code p} (a view into {@link #values()}). */
    public Tensor value(Parameter p) {
        return valueViews[slot(p)];
    }

    /** The gradient tensor of {@code p} (a view into {@link #gradients()}). */
    public Tensor gradient(Parameter p) {
        return gradientViews[slot(p)];
    }

    /** All parameter values as one flat tensor, in parameter order. */
    public Tensor values() {
        return values;
    }

    /** All parameter gradients as one flat tensor, laid out like {@link #values()}. */
    public Tensor gradients() {
        return gradients;
    }

    /** A training-capable pass on this model's live weights, with its own workspace; close it after use. */
    public Pass newPass(Ops ops) {
        Objects.requireNonNull(ops, "ops");
        return new Pass(root, ops, parameters, valueViews, gradientViews);
    }

    /**
     * An immutable copy of the current weights tagged with {@code version}, for inference while training goes on.
     */
    public ModelSnapshot snapshot(long version) {
        return new ModelSnapshot(this, version);
    }

    /** Overwrites the weights with those of {@code snapshot}, which must come from this model. */
    public void restore(ModelSnapshot snapshot) {
        if (snapshot.model() != this) {
            throw new IllegalArgumentException("snapshot belongs to another model");
        }
        values.copyFrom(snapshot.values());
    }

    Parameter[] parameterArray() {
        return parameters;
    }

    private int slot(Parameter p) {
        int s = p.slot;
        if (s < 0 || s >= parameters.length || parameters[s] != p) {
            throw new IllegalArgumentException("parameter " + p + " does not belong to this model");
        }
        return s;
    }

    @Override
    public void close() {
        values.close();
        gradients.close();
    }

    @Override
    public String toString() {
        return "Model[" + parameters.length + " parameter tensors, " + parameterCount() + " values]";
    }
}
