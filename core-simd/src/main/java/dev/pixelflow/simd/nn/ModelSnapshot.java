package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An immutable copy of a model's weights at one version. Any number of threads may run it at once, each through
 * its own {@link #newPass pass}, while the model keeps training.
 *
 * <p>The copy lives in memory managed by the garbage collector ({@link Arena#ofAuto()}): inference stages can
 * hold a snapshot for as long as they need it without coordinating with the trainer, and the memory is freed
 * once no stage references it. Snapshots are taken every so many steps, not per frame.
 */
public final class ModelSnapshot {
    private final Model model;
    private final long version;
    private final Tensor values;
    private final Tensor[] views;

    ModelSnapshot(Model model, long version) {
        this.model = model;
        this.version = version;
        Tensor live = model.values();
        MemorySegment copy = Arena.ofAuto().allocate(live.size() * Float.BYTES, 64);
        copy.copyFrom(live.segment());
        this.values = Tensor.wrap(copy, live.shape());
        this.views = Model.views(values, model.parameterArray());
    }

    /** The model this snapshot was taken from. */
    public Model model() {
        return model;
    }

    /** The version given when the snapshot was taken (the trainer uses its step count). */
    public long version() {
        return version;
    }

    /** All parameter values, laid out like {@link Model#values()}. Do not write to it. */
    public Tensor values() {
        return values;
    }

    /** The value of {@code p} in this snapshot. Do not write to it. */
    public Tensor value(Parameter p) {
        Parameter[] params = model.parameterArray();
        int s = p.slot;
        if (s < 0 || s >= params.length || params[s] != p) {
            throw new IllegalArgumentException("parameter " + p + " does not belong to this model");
        }
        return views[s];
    }

    /** An inference pass over this snapshot, with its own workspace; one per thread; close it after use. */
    public Pass newPass(Ops ops) {
        Objects.requireNonNull(ops, "ops");
        return new Pass(model.root(), ops, model.parameterArray(), views, null);
    }

    @Override
    public String toString() {
        return "ModelSnapshot[version " + version + ", " + model.parameterCount() + " values]";
    }
}
