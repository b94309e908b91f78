package dev.pixelflow.simd.checkpoint;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Parameter;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.simd.norm.NormalizerSpec;
import dev.pixelflow.simd.norm.WelfordStats;
import dev.pixelflow.simd.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable checkpoint: a step count, free-form metadata (e.g. the Kafka offsets the state corresponds to), and
 * named data in three namespaces: model parameters (shape and float32 values), optimizer state (type, step count,
 * flat float32 tensors laid out like {@link Model#values()}) and generic named arrays (float32, float64 or int64;
 * e.g. normalizer statistics).
 *
 * <p>Build one from live objects with {@link #builder(long)}, write and read it with {@link CheckpointFiles} (format
 * in the package documentation), and put it back with {@link #restoreInto(Model)} and
 * {@link #restoreInto(Optimizer, Model)}. Accessors return copies; the checkpoint keeps its own.
 */
public final class Checkpoint {
    /** Longest accepted shape rank. */
    public static final int MAX_RANK = 16;

    /** Element type of a named array. */
    public enum ArrayType {
        FLOAT32(1, 4), FLOAT64(2, 8), INT64(3, 8);

        final int code;
        final int bytes;

        ArrayType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        static @Nullable ArrayType of(int code) {
            for (ArrayType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    record Param(int[] shape, float[] values) {
    }

    record OptimizerState(String type, long steps, Map<String, float[]> tensors) {
    }

    private final long step;
    private final SortedMap<String, String> metadata;
    private final Map<String, Param> parameters;
    private final OptimizerState optimizer;
    private final Map<String, Object> arrays;

    private Checkpoint(Builder b) {
        this.step = b.step;
        this.metadata = Collections.unmodifiableSortedMap(new TreeMap<>(b.metadata));
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
        this.optimizer = b.optimizer;
        this.arrays = Collections.unmodifiableMap(new LinkedHashMap<>(b.arrays));
    }

    /** A builder for a checkpoint taken after {@code step} training steps ({@code step >= 0}). */
    private static final String NORMALIZER = "normalizer.";
    private static final String WELFORD = "welford.";

    public static Builder builder(long step) {
        return new Builder(step);
    }

    /** The training step this checkpoint was taken at. */
    public long step() {
        return step;
    }

    /** Metadata sorted by key (unmodifiable). */
    public SortedMap<String, String> metadata() {
        return metadata;
    }

    /** Parameter names in stored order (the model's parameter order when captured from a model). */
    public List<String> parameterNames() {
        return List.copyOf(parameters.keySet());
    }

    /** The shape of parameter {@code name}. */
    public int[] parameterShape(String name) {
        return param(name).shape.clone();
    }

    /** The values of parameter {@code name}, row-major (a copy). */
    public float[] parameterValues(String name) {
        return param(name).values.clone();
    }

    /** Whether optimizer state is stored. */
    public boolean hasOptimizer() {
        return optimizer != null;
    }

    /** The stored optimizer's type ({@link Optimizer#type()}), if any. */
    public Optional<String> optimizerType() {
        return optimizer == null ? Optional.empty() : Optional.of(optimizer.type);
    }

    /** The stored optimizer's step count; 0 without optimizer state. */
    public long optimizerSteps() {
        return optimizer == null ? 0 : optimizer.steps;
    }

    /** The stored optimizer state tensor names in order; empty without optimizer state. */
    public List<String> optimizerStateNames() {
        return optimizer == null ? List.of() : List.copyOf(optimizer.tensors.keySet());
    }

    /** One optimizer state tensor (a copy). */
    public float[] optimizerState(String name) {
        float[] a = optimizer == null ? null : optimizer.tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no optimizer state tensor '" + name + "'; stored: "
                    + optimizerStateNames());
        }
        return a.clone();
    }

    /** Names of the stored arrays in order. */
    public List<String> arrayNames() {
        return List.copyOf(arrays.keySet());
    }

    /** The element type of array {@code name}. */
    public ArrayType arrayType(String name) {
        Object a = array(name);
        return a instanceof float[] ? ArrayType.FLOAT32 : a instanceof double[] ? ArrayType.FLOAT64
                : ArrayType.INT64;
    }

    /** A float32 array (a copy). */
    public float[] floatArray(String name) {
        return array(name, float[].class).clone();
    }

    /** A float64 array (a copy). */
    /**
     * The normalizer statistics stored under {@code name} by {@link Builder#normalizer}, for {@code spec}.
     *
     * @throws IllegalArgumentException when there are none (naming what is stored) or they do not fit the spec
     */
    public NormStats normStats(String name, NormalizerSpec spec) {
        return new NormStats(spec, doubleArray(NORMALIZER + name + ".shift"),
                doubleArray(NORMALIZER + name + ".scale"));
    }

    /** The online statistics stored under {@code name} by {@link Builder#welford}. */
    public WelfordStats welford(String name) {
        long[] count = longArray(WELFORD + name + ".count");
        if (count.length != 1) {
            throw new IllegalArgumentException("welford." + name + ".count must hold one value, has " + count.length);
        }
        return WelfordStats.of(count[0], doubleArray(WELFORD + name + ".mean"), doubleArray(WELFORD + name + ".m2"));
    }

    public double[] doubleArray(String name) {
        return array(name, double[].class).clone();
    }

    /** An int64 array (a copy). */
    public long[] longArray(String name) {
        return array(name, long[].class).clone();
    }

    /**
     * Overwrites the model's parameters with the stored ones. Every parameter of the model must be stored with the
     * same shape, and nothing else may be stored; otherwise nothing is changed.
     *
     * @throws IllegalArgumentException listing each missing, unexpected or differently shaped parameter
     */
    public void restoreInto(Model model) {
        Objects.requireNonNull(model, "model");
        List<String> problems = new ArrayList<>();
        Map<String, Parameter> named = model.namedParameters();
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            Param p = parameters.get(e.getKey());
            if (p == null) {
                problems.add("missing parameter " + e.getKey() + " " + Arrays.toString(e.getValue().shape()));
            } else if (!Arrays.equals(p.shape, e.getValue().shape())) {
                problems.add("parameter " + e.getKey() + " has shape " + Arrays.toString(p.shape)
                        + " in the checkpoint but " + Arrays.toString(e.getValue().shape()) + " in the model");
            }
        }
        for (String name : parameters.keySet()) {
            if (!named.containsKey(name)) {
                problems.add("unexpected parameter " + name + " " + Arrays.toString(parameters.get(name).shape)
                        + " (not in the model)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("checkpoint at step " + step + " does not fit the model: "
                    + String.join("; ", problems));
        }
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            Tensor t = model.value(e.getValue());
            t.copyFrom(parameters.get(e.getKey()).values);
        }
    }

    /**
     * Restores the optimizer state into {@code optimizer}, bound to {@code model} (which should have been restored
     * from this checkpoint). The stored parameters must be the model's, in the model's order, since the state is
     * laid out like {@link Model#values()}.
     *
     * @throws IllegalArgumentException when no optimizer state is stored, the optimizer type differs, the parameter
     *     layout differs, or a state tensor is missing or has the wrong size
     */
    public void restoreInto(Optimizer optimizer, Model model) {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(model, "model");
        if (this.optimizer == null) {
            throw new IllegalArgumentException("checkpoint at step " + step + " holds no optimizer state");
        }
        if (!this.optimizer.type.equals(optimizer.type())) {
            throw new IllegalArgumentException("checkpoint holds " + this.optimizer.type + " optimizer state but the"
                    + " optimizer is " + optimizer.type());
        }
        List<String> modelNames = List.copyOf(model.namedParameters().keySet());
        if (!modelNames.equals(parameterNames())) {
            throw new IllegalArgumentException("optimizer state is laid out for parameters " + parameterNames()
                    + " but the model has " + modelNames);
        }
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (!Arrays.equals(parameters.get(e.getKey()).shape, e.getValue().shape())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has shape "
                        + Arrays.toString(parameters.get(e.getKey()).shape) + " in the checkpoint but "
                        + Arrays.toString(e.getValue().shape()) + " in the model");
            }
        }
        optimizer.restoreState(model, this.optimizer.steps, this.optimizer.tensors);
    }

    // ---------------------------------------------------------------- package access for the codec

    Map<String, Param> parameterMap() {
        return parameters;
    }

    OptimizerState optimizer() {
        return optimizer;
    }

    Map<String, Object> arrayMap() {
        return arrays;
    }

    private Param param(String name) {
        Param p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; stored: " + parameterNames());
        }
        return p;
    }

    private Object array(String name) {
        Object a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no array '" + name + "'; stored: " + arrayNames());
        }
        return a;
    }

    private <T> T array(String name, Class<T> type) {
        Object a = array(name);
        if (!type.isInstance(a)) {
            throw new IllegalArgumentException("array '" + name + "' is " + arrayType(name) + ", not "
                    + type.getComponentType());
        }
        return type.cast(a);
    }

    /** Equal step, metadata, parameters (names, order, shapes, value bits), optimizer state and arrays. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Checkpoint c) || step != c.step || !metadata.equals(c.metadata)
                || !parameterNames().equals(c.parameterNames()) || !arrayNames().equals(c.arrayNames())
                || (optimizer == null) != (c.optimizer == null)) {
            return false;
        }
        for (Map.Entry<String, Param> e : parameters.entrySet()) {
            Param q = c.parameters.get(e.getKey());
            if (!Arrays.equals(e.getValue().shape, q.shape) || !Arrays.equals(e.getValue().values, q.values)) {
                return false;
            }
        }
        if (optimizer != null) {
            if (!optimizer.type.equals(c.optimizer.type) || optimizer.steps != c.optimizer.steps
                    || !optimizerStateNames().equals(c.optimizerStateNames())) {
                return false;
            }
            for (Map.Entry<String, float[]> e : optimizer.tensors.entrySet()) {
                if (!Arrays.equals(e.getValue(), c.optimizer.tensors.get(e.getKey()))) {
                    return false;
                }
            }
        }
        for (Map.Entry<String, Object> e : arrays.entrySet()) {
            if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {c.arrays.get(e.getKey())})) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, metadata, parameters.keySet(), arrays.keySet());
    }

    @Override
    public String toString() {
        long values = 0;
        for (Param p : parameters.values()) {
            values += p.values.length;
        }
        return "Checkpoint[step " + step + ", " + parameters.size() + " parameters (" + values + " values), "
                + (optimizer == null ? "no optimizer" : optimizer.type + " optimizer at step " + optimizer.steps)
                + ", " + arrays.size() + " arrays, metadata " + metadata.keySet() + "]";
    }

    /** Collects the contents of a {@link Checkpoint}; every method copies what it is given. */
    public static final class Builder {
        private final long step;
        private final Map<String, String> metadata = new TreeMap<>();
        private final Map<String, Param> parameters = new LinkedHashMap<>();
        private OptimizerState optimizer;
        private final Map<String, Object> arrays = new LinkedHashMap<>();

        private Builder(long step) {
            if (step < 0) {
                throw new IllegalArgumentException("checkpoint step must be >= 0, got " + step);
            }
            this.step = step;
        }

        /** One metadata entry (a later value for the same key replaces the earlier one). */
        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "metadata key"), Objects.requireNonNull(value,
                    "metadata value for " + key));
            return this;
        }

        /** Several metadata entries. */
        public Builder metadata(Map<String, String> entries) {
            entries.forEach(this::metadata);
            return this;
        }

        /** Every parameter of {@code model} (names, shapes, current values) in the model's order. */
        public Builder model(Model model) {
            Objects.requireNonNull(model, "model");
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                parameter(e.getKey(), e.getValue().shape(), model.value(e.getValue()).toArray());
            }
            return this;
        }

        /** One parameter; {@code values} is row-major with {@code product(shape)} elements. */
        public Builder parameter(String name, int[] shape, float[] values) {
            checkName(name, "parameter");
            Objects.requireNonNull(shape, "shape of " + name);
            Objects.requireNonNull(values, "values of " + name);
            if (parameters.containsKey(name)) {
                throw new IllegalArgumentException("parameter " + name + " added twice");
            }
            if (shape.length < 1 || shape.length > MAX_RANK) {
                throw new IllegalArgumentException("parameter " + name + " has rank " + shape.length
                        + "; 1 to " + MAX_RANK + " supported");
            }
            long n = 1;
            for (int d : shape) {
                if (d < 1) {
                    throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(shape)
                            + "; every dimension must be >= 1");
                }
                n *= d;
                if (n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("parameter " + name + " of shape " + Arrays.toString(shape)
                            + " is too large");
                }
            }
            if (n != values.length) {
                throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(shape)
                        + " (" + n + " values) but " + values.length + " values were given");
            }
            parameters.put(name, new Param(shape.clone(), values.clone()));
            return this;
        }

        /** The optimizer's type, step count and state (copied now). */
        public Builder optimizer(Optimizer optimizer) {
            Objects.requireNonNull(optimizer, "optimizer");
            Map<String, float[]> state = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) {
                state.put(e.getKey(), e.getValue().toArray());
            }
            return optimizerState(optimizer.type(), optimizer.steps(), state);
        }

        /** Optimizer state given directly. */
        public Builder optimizerState(String type, long steps, Map<String, float[]> state) {
            checkName(type, "optimizer type");
            if (steps < 0) {
                throw new IllegalArgumentException("optimizer step count must be >= 0, got " + steps);
            }
            Map<String, float[]> copy = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : state.entrySet()) {
                checkName(e.getKey(), "optimizer state tensor");
                copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()).clone());
            }
            this.optimizer = new OptimizerState(type, steps, Collections.unmodifiableMap(copy));
            return this;
        }

        /** A named float32 array. */
        public Builder array(String name, float[] values) {
            return putArray(name, Objects.requireNonNull(values, name).clone());
        }

        /** A named float64 array. */
        public Builder array(String name, double[] values) {
            return putArray(name, Objects.requireNonNull(values, name).clone());
        }

        /**
         * A fitted normalizer's statistics under {@code name}: arrays {@code normalizer.<name>.shift} and
         * {@code normalizer.<name>.scale} (the spec is configuration and is not stored).
         */
        public Builder normalizer(String name, NormStats stats) {
            Objects.requireNonNull(stats, "stats");
            array(NORMALIZER + name + ".shift", stats.shift());
            return array(NORMALIZER + name + ".scale", stats.scale());
        }

        /**
         * An online statistics state under {@code name}: arrays {@code welford.<name>.count},
         * {@code welford.<name>.mean} and {@code welford.<name>.m2}.
         */
        public Builder welford(String name, WelfordStats stats) {
            Objects.requireNonNull(stats, "stats");
            array(WELFORD + name + ".count", new long[] {stats.count()});
            array(WELFORD + name + ".mean", stats.means());
            return array(WELFORD + name + ".m2", stats.m2());
        }

        /** A named int64 array. */
        public Builder array(String name, long[] values) {
            return putArray(name, Objects.requireNonNull(values, name).clone());
        }

        /** Several named arrays, each a {@code float[]}, {@code double[]} or {@code long[]}. */
        public Builder arrays(Map<String, ?> named) {
            for (Map.Entry<String, ?> e : named.entrySet()) {
                switch (e.getValue()) {
                    case float[] f -> array(e.getKey(), f);
                    case double[] d -> array(e.getKey(), d);
                    case long[] l -> array(e.getKey(), l);
                    case null, default -> throw new IllegalArgumentException("array " + e.getKey()
                            + " must be float[], double[] or long[], got " + e.getValue());
                }
            }
            return this;
        }

        private Builder putArray(String name, Object a) {
            checkName(name, "array");
            if (arrays.containsKey(name)) {
                throw new IllegalArgumentException("array " + name + " added twice");
            }
            arrays.put(name, a);
            return this;
        }

        private static void checkName(String name, String what) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(what + " name must be non-empty");
            }
        }

        public Checkpoint build() {
            return new Checkpoint(this);
        }
    }
}
