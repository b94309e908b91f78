package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A small directed acyclic network with one input and one output, for skip connections (U-Net style encoders and
 * decoders, residual sums). It is built from named nodes that run in insertion order:
 *
 * <pre>{@code
 * Graph g = Graph.builder()
 *         .node("c1", Conv2d.same(1, 8, 3), "input")     // the graph's input is called "input"
 *         .node("p1", MaxPool2d.of(2), "c1")
 *         .node("c2", Conv2d.same(8, 8, 3), "p1")
 *         .node("up", Upsample.toSize(H, W), "c2")
 *         .concat("cat", "up", "c1")                      // [B, 8, H, W] + [B, 8, H, W] -> [B, 16, H, W]
 *         .node("head", Conv2d.same(16, 1, 1), "cat")
 *         .output("head");
 * }</pre>
 *
 * <p>Node kinds: a layer applied to one earlier node; {@code concat} along channels of image batches
 * ({@code [B, C1, H, W] + [B, C2, H, W] + ... -> [B, C1 + C2 + ..., H, W]}, equal B, H and W); {@code add}, the
 * elementwise sum of tensors of equal shape. The output shape is found by propagating shapes through the nodes.
 *
 * <p>Backward runs the nodes in reverse and sums the gradients of a node that feeds several consumers. Layer nodes
 * are the children of the graph, named by node name, so their parameters are named e.g. {@code "c1.weight"}. On top
 * of what its layers save, the graph saves its input and every node's output (references only) for the backward.
 * The gradient of an {@code add} node is handed unchanged to each of its inputs' layers, so layers must treat
 * {@code dy} as read-only (all layers of this package do).
 */
public final class Graph implements Layer {
    /** The name of the graph's input in node input lists. */
    public static final String INPUT = "input";

    private enum Kind { LAYER, CONCAT, ADD }

    /** A node; {@code inputs} are value indices: 0 is the graph input, i + 1 the output of node i. */
    private record Node(String name, Kind kind, Layer layer, int[] inputs) {
    }

    private final Node[] nodes;
    private final int output;
    private final List<Child> children;

    private Graph(Node[] nodes, int output) {
        this.nodes = nodes;
        this.output = output;
        List<Child> c = new ArrayList<>();
        for (Node n : nodes) {
            if (n.kind == Kind.LAYER) {
                c.add(new Child(n.name, n.layer));
            }
        }
        this.children = List.copyOf(c);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The layer of node {@code name}. */
    public Layer layer(String name) {
        for (Node n : nodes) {
            if (n.name.equals(name) && n.kind == Kind.LAYER) {
                return n.layer;
            }
        }
        throw new IllegalArgumentException("Graph has no layer node '" + name + "'");
    }

    @Override
    public int[] outputShape(int[] input) {
        int[][] shapes = new int[nodes.length + 1][];
        shapes[0] = input;
        for (int i = 0; i < nodes.length; i++) {
            Node n = nodes[i];
            shapes[i + 1] = switch (n.kind) {
                case LAYER -> {
                    try {
                        yield n.layer.outputShape(shapes[n.inputs[0]]);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("Graph node '" + n.name + "': " + e.getMessage(), e);
                    }
                }
                case CONCAT -> concatShape(n, shapes);
                case ADD -> addShape(n, shapes);
            };
        }
        return shapes[output].clone();
    }

    private int[] concatShape(Node n, int[][] shapes) {
        int[] first = shapes[n.inputs[0]];
        boolean ok = true;
        int c = 0;
        for (int in : n.inputs) {
            int[] s = shapes[in];
            if (s.length != 4 || s[0] != first[0] || s[2] != first[2] || s[3] != first[3]) {
                ok = false;
                break;
            }
            c += s[1];
        }
        if (!ok || first.length != 4) {
            throw new IllegalArgumentException("Graph concat '" + n.name + "' expects inputs [B, C_i, H, W] with equal"
                    + " B, H and W, got " + describe(n, shapes));
        }
        return new int[] {first[0], c, first[2], first[3]};
    }

    private int[] addShape(Node n, int[][] shapes) {
        int[] first = shapes[n.inputs[0]];
        for (int in : n.inputs) {
            if (!Arrays.equals(shapes[in], first)) {
                throw new IllegalArgumentException("Graph add '" + n.name + "' expects inputs of equal shape, got "
                        + describe(n, shapes));
            }
        }
        return first.clone();
    }

    private String describe(Node n, int[][] shapes) {
        StringBuilder sb = new StringBuilder();
        for (int in : n.inputs) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(valueName(in)).append(' ').append(Arrays.toString(shapes[in]));
        }
        return sb.toString();
    }

    private String valueName(int v) {
        return v == 0 ? INPUT : nodes[v - 1].name;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor[] v = new Tensor[nodes.length + 1];
        v[0] = x;
        for (int i = 0; i < nodes.length; i++) {
            Node n = nodes[i];
            v[i + 1] = switch (n.kind) {
                case LAYER -> n.layer.forward(v[n.inputs[0]], pass);
                case CONCAT -> concat(n, v, pass);
                case ADD -> add(n, v, pass);
            };
        }
        // Saved after the children's tensors, so they come back first in backward (last in, first out).
        for (Tensor t : v) {
            pass.save(t);
        }
        return v[output];
    }

    private Tensor concat(Node n, Tensor[] v, Pass pass) {
        int[][] shapes = new int[v.length][];
        for (int in : n.inputs) {
            shapes[in] = v[in].shape();
        }
        int[] s = concatShape(n, shapes);
        Tensor y = pass.take(s);
        long plane = (long) s[2] * s[3];
        long offset = 0;
        for (int in : n.inputs) {
            long c = v[in].dim(1);
            pass.ops().copyRuns(v[in], 0, c * plane, y, offset, s[1] * plane, s[0], c * plane);
            offset += c * plane;
        }
        return y;
    }

    private Tensor add(Node n, Tensor[] v, Pass pass) {
        int[][] shapes = new int[v.length][];
        for (int in : n.inputs) {
            shapes[in] = v[in].shape();
        }
        Tensor y = pass.take(addShape(n, shapes));
        Ops ops = pass.ops();
        ops.add(v[n.inputs[0]], v[n.inputs[1]], y);
        for (int j = 2; j < n.inputs.length; j++) {
            ops.add(y, v[n.inputs[j]], y);
        }
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor[] v = new Tensor[nodes.length + 1];
        for (int i = v.length - 1; i >= 0; i--) {
            v[i] = pass.restore();
        }
        Gradients g = new Gradients(v, pass);
        g.grads[output] = dy;
        for (int i = nodes.length - 1; i >= 0; i--) {
            Node n = nodes[i];
            Tensor d = g.grads[i + 1];
            switch (n.kind) {
                case LAYER -> {
                    int in = n.inputs[0];
                    boolean need = in != 0 || inputGradient;
                    Tensor dx = n.layer.backward(d, pass, need);
                    if (need) {
                        g.accumulate(in, dx, false);
                    }
                }
                case CONCAT -> {
                    int[] s = v[i + 1].shape();
                    long plane = (long) s[2] * s[3];
                    long offset = 0;
                    for (int in : n.inputs) {
                        long c = v[in].dim(1);
                        if (in != 0 || inputGradient) {
                            Tensor part = pass.take(v[in].shape());
                            pass.ops().copyRuns(d, offset, s[1] * plane, part, 0, c * plane, s[0], c * plane);
                            g.accumulate(in, part, true);
                        }
                        offset += c * plane;
                    }
                }
                case ADD -> {
                    for (int in : n.inputs) {
                        if (in != 0 || inputGradient) {
                            g.accumulate(in, d, false);
                        }
                    }
                }
            }
            g.grads[i + 1] = null;
        }
        return inputGradient ? g.grads[0] : null;
    }

    /**
     * The gradient of each value during backward. A gradient first arrives as a tensor someone else may also
     * reference (a child's dx, or dy itself); a second contribution is summed into a fresh workspace tensor that
     * this graph owns, and later ones are added to it in place.
     */
    private static final class Gradients {
        final Tensor[] values;
        final Tensor[] grads;
        final boolean[] owned;
        final Pass pass;

        Gradients(Tensor[] values, Pass pass) {
            this.values = values;
            this.grads = new Tensor[values.length];
            this.owned = new boolean[values.length];
            this.pass = pass;
        }

        void accumulate(int v, Tensor contribution, boolean mine) {
            Tensor cur = grads[v];
            if (cur == null) {
                grads[v] = contribution;
                owned[v] = mine;
            } else if (owned[v]) {
                pass.ops().add(cur, contribution, cur);
            } else {
                Tensor sum = pass.take(values[v].shape());
                pass.ops().add(cur, contribution, sum);
                grads[v] = sum;
                owned[v] = true;
            }
        }
    }

    @Override
    public List<Child> children() {
        return children;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Graph[");
        for (Node n : nodes) {
            if (sb.length() > 6) {
                sb.append(", ");
            }
            sb.append(n.name).append('=');
            sb.append(switch (n.kind) {
                case LAYER -> n.layer.toString();
                case CONCAT -> "concat";
                case ADD -> "add";
            });
            sb.append('(');
            for (int j = 0; j < n.inputs.length; j++) {
                sb.append(j == 0 ? "" : ", ").append(valueName(n.inputs[j]));
            }
            sb.append(')');
        }
        return sb.append(" -> ").append(valueName(output)).append(']').toString();
    }

    /** Collects nodes in order; {@link #output} validates and builds the graph. */
    public static final class Builder {
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, Integer> index = new LinkedHashMap<>();

        private Builder() {
            index.put(INPUT, 0);
        }

        /** Node {@code name} applies {@code layer} to the output of {@code input} (a node or {@code "input"}). */
        public Builder node(String name, Layer layer, String input) {
            Objects.requireNonNull(layer, "layer of node " + name);
            return add(name, Kind.LAYER, layer, new String[] {input});
        }

        /** Node {@code name} concatenates the image batches {@code inputs} (at least two) along channels. */
        public Builder concat(String name, String... inputs) {
            return add(name, Kind.CONCAT, null, inputs);
        }

        /** Node {@code name} sums the tensors {@code inputs} (at least two, equal shapes) elementwise. */
        public Builder add(String name, String... inputs) {
            return add(name, Kind.ADD, null, inputs);
        }

        private Builder add(String name, Kind kind, Layer layer, String[] inputs) {
            Objects.requireNonNull(name, "node name");
            Objects.requireNonNull(inputs, "inputs of node " + name);
            if (name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException("Graph node name must be non-empty without '.', got '" + name
                        + "'");
            }
            if (index.containsKey(name)) {
                throw new IllegalArgumentException("Graph node '" + name + "' is already defined"
                        + (name.equals(INPUT) ? " (it is the graph's input)" : ""));
            }
            if (kind != Kind.LAYER && inputs.length < 2) {
                throw new IllegalArgumentException("Graph " + kind.name().toLowerCase() + " '" + name
                        + "' needs at least two inputs, got " + Arrays.toString(inputs));
            }
            int[] in = new int[inputs.length];
            for (int j = 0; j < inputs.length; j++) {
                Integer v = index.get(inputs[j]);
                if (v == null) {
                    throw new IllegalArgumentException("Graph node '" + name + "': input '" + inputs[j]
                            + "' is not defined yet (nodes run in insertion order; defined so far: " + index.keySet()
                            + ")");
                }
                in[j] = v;
            }
            nodes.add(new Node(name, kind, layer, in));
            index.put(name, nodes.size());
            return this;
        }

        /** Makes node {@code name} the graph's output and builds the graph; every node must feed the output. */
        public Graph output(String name) {
            Integer out = index.get(name);
            if (out == null || out == 0) {
                throw new IllegalArgumentException("Graph output '" + name + "' must be a defined node; defined: "
                        + nodes.stream().map(Node::name).toList());
            }
            boolean[] used = new boolean[nodes.size() + 1];
            used[out] = true;
            for (int i = nodes.size() - 1; i >= 0; i--) {
                if (used[i + 1]) {
                    for (int in : nodes.get(i).inputs) {
                        used[in] = true;
                    }
                }
            }
            for (int i = 0; i < nodes.size(); i++) {
                if (!used[i + 1]) {
                    throw new IllegalArgumentException("Graph node '" + nodes.get(i).name + "' does not feed the"
                            + " output '" + name + "'; remove it");
                }
            }
            Map<Layer, String> seen = new IdentityHashMap<>();
            for (Node n : nodes) {
                if (n.layer != null) {
                    String prev = seen.putIfAbsent(n.layer, n.name);
                    if (prev != null) {
                        throw new IllegalArgumentException("Graph nodes '" + prev + "' and '" + n.name
                                + "' use the same layer object; build one layer per node");
                    }
                }
            }
            return new Graph(nodes.toArray(new Node[0]), out);
        }
    }
}
