package dev.pixelflow.streams.internal;

import dev.pixelflow.simd.nn.Model;

/** The flat parameter vector of an online model: what cluster averaging sends and loads back. */
public final class ModelParameters {
    private ModelParameters() {
    }

    /** A copy of all of {@code model}'s trainable parameters, flat, in parameter order. */
    public static float[] copy(Model model) {
        return model.values().toArray();
    }

    /**
     * Replaces all of {@code model}'s trainable parameters with {@code values}.
     *
     * @throws IllegalArgumentException naming {@code owner} when the count differs
     */
    public static void load(String owner, Model model, float[] values) {
        long size = model.values().size();
        if (values.length != size) {
            throw new IllegalArgumentException(owner + ": " + values.length + " parameter values for a model of "
                    + size);
        }
        model.values().copyFrom(values);
    }
}
