package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Layers applied one after the other; children are named {@code "0"}, {@code "1"}, ... */
public final class Sequential implements Layer {
    private final Layer[] layers;
    private final List<Child> children;

    private Sequential(Layer[] layers) {
        this.layers = layers;
        List<Child> c = new ArrayList<>(layers.length);
        for (int i = 0; i < layers.length; i++) {
            c.add(new Child(Integer.toString(i), layers[i]));
        }
        this.children = List.copyOf(c);
    }

    /** The layers in order; at least one. */
    public static Sequential of(Layer... layers) {
        Objects.requireNonNull(layers, "layers");
        if (layers.length == 0) {
            throw new IllegalArgumentException("a Sequential needs at least one layer");
        }
        for (int i = 0; i < layers.length; i++) {
            Objects.requireNonNull(layers[i], "layer " + i);
        }
        return new Sequential(layers.clone());
    }

    /** The layers in order. */
    public static Sequential of(List<? extends Layer> layers) {
        return of(layers.toArray(new Layer[0]));
    }

    public int size() {
        return layers.length;
    }

    public Layer get(int i) {
        return layers[i];
    }

    @Override
    public int[] outputShape(int[] input) {
        int[] s = input;
        for (Layer l : layers) {
            s = l.outputShape(s);
        }
        return s;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor y = x;
        for (Layer l : layers) {
            y = l.forward(y, pass);
        }
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor d = dy;
        for (int i = layers.length - 1; i >= 0; i--) {
            d = layers[i].backward(d, pass, i > 0 || inputGradient);
        }
        return d;
    }

    @Override
    public List<Child> children() {
        return children;
    }

    @Override
    public String toString() {
        return "Sequential" + List.of(layers);
    }
}
