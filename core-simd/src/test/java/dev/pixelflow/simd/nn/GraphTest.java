package dev.pixelflow.simd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GraphTest {
    private static final Ops OPS = Ops.builder().threads(1).build();

    /** conv -> pool -> conv -> upsample -> concat with the skip -> conv, for inputs [B, 2, 7, 5]. */
    static Graph unet(Layer pool) {
        return Graph.builder()
                .node("c1", Conv2d.same(2, 3, 3), "input")
                .node("a1", ActivationLayer.tanh(), "c1")
                .node("p1", pool, "a1")
                .node("c2", Conv2d.same(3, 4, 3), "p1")
                .node("a2", ActivationLayer.tanh(), "c2")
                .node("up", Upsample.toSize(7, 5), "a2")
                .concat("cat", "up", "a1")
                .node("head", Conv2d.same(7, 2, 1), "cat")
                .output("head");
    }

    @Test
    void uNetGradientsMatchFiniteDifferences() {
        LayerChecks.checkGradients(unet(AvgPool2d.of(2)), new int[] {3, 2, 7, 5}, 101);
        LayerChecks.checkGradients(unet(AvgPool2d.of(2)), new int[] {1, 2, 7, 5}, 102);
        LayerChecks.checkGradients(unet(MaxPool2d.of(2)), new int[] {1, 2, 7, 5}, 103);
    }

    @Test
    void uNetWithTransposedConvAndGroupNorm() {
        Graph g = Graph.builder()
                .node("c1", Conv2d.same(1, 4, 3), "input")
                .node("n1", GroupNorm.of(2, 4), "c1")
                .node("p1", AvgPool2d.of(2), "n1")
                .node("c2", Conv2d.same(4, 4, 3), "p1")
                .node("up", ConvTranspose2d.builder(4, 2, 3).stride(2).padding(1).outputPadding(1).build(), "c2")
                .node("skip", Conv2d.same(4, 2, 1), "n1")
                .concat("cat", "skip", "up", "input")
                .node("head", Conv2d.same(5, 1, 3), "cat")
                .output("head");
        assertArrayEquals(new int[] {3, 1, 6, 10}, g.outputShape(new int[] {3, 1, 6, 10}));
        LayerChecks.checkGradients(g, new int[] {3, 1, 6, 10}, 104);
    }

    @Test
    void addSkipGradientsMatchFiniteDifferences() {
        // residual block; the input feeds both the convolution and the sum
        Graph res = Graph.builder()
                .node("c1", Conv2d.same(3, 3, 3), "input")
                .node("t", ActivationLayer.tanh(), "c1")
                .node("c2", Conv2d.same(3, 3, 3), "t")
                .add("sum", "c2", "input")
                .node("out", ActivationLayer.tanh(), "sum")
                .output("out");
        LayerChecks.checkGradients(res, new int[] {2, 3, 7, 5}, 111);
        LayerChecks.checkGradients(res2(), new int[] {1, 3, 13, 1}, 112);
    }

    /** One node's output feeding three consumers, an identity node and an add of the same node twice. */
    private static Graph res2() {
        return Graph.builder()
                .node("c1", Conv2d.same(3, 3, 3), "input")
                .node("id", ActivationLayer.identity(), "c1")
                .node("t", ActivationLayer.tanh(), "c1")
                .add("twice", "id", "id", "t")
                .add("sum", "twice", "c1", "input")
                .concat("cat", "sum", "c1")
                .node("out", Conv2d.same(6, 2, 1), "cat")
                .output("out");
    }

    @Test
    void concatAndAddComputeTheirValues() {
        Graph g = Graph.builder()
                .node("f", Flatten.create(), "input")
                .node("d", Dense.builder(6, 6).bias(false).build(), "f")
                .add("sum", "d", "f")
                .output("sum");
        Graph cat = Graph.builder()
                .node("id", ActivationLayer.identity(), "input")
                .concat("cat", "input", "id")
                .output("cat");
        try (Model m = Model.create(g, 1); Pass p = m.newPass(OPS);
             Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 6)) {
            Tensor w = m.value(((Dense) g.layer("d")).weight());
            w.fill(0f);
            for (int i = 0; i < 6; i++) {
                w.set(1f, i, i);
            }
            float[] y = p.predict(x).toArray();
            for (int i = 0; i < 12; i++) {
                assertEquals(2 * (i + 1), y[i], 1e-6f);
            }
        }
        try (Model m = Model.create(cat, 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {2, 3, 2, 2}, new SplittableRandom(1), 1f)) {
            Tensor y = p.forward(x, true, 0);
            assertArrayEquals(new int[] {2, 6, 2, 2}, y.shape());
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 6; c++) {
                    for (int i = 0; i < 4; i++) {
                        assertEquals(x.get(b, c % 3, i / 2, i % 2), y.get(b, c, i / 2, i % 2));
                    }
                }
            }
            try (Tensor dy = LayerChecks.random(y.shape(), new SplittableRandom(2), 1f)) {
                Tensor dx = p.backwardToInput(dy);
                for (int b = 0; b < 2; b++) {
                    for (int c = 0; c < 3; c++) {
                        for (int i = 0; i < 4; i++) {
                            assertEquals(dy.get(b, c, i / 2, i % 2) + dy.get(b, c + 3, i / 2, i % 2),
                                    dx.get(b, c, i / 2, i % 2), 1e-6f);
                        }
                    }
                }
            }
        }
    }

    @Test
    void parametersAreNamedByNodeAndNestInSequential() {
        try (Model m = Model.create(Sequential.of(unet(MaxPool2d.of(2)), GlobalAvgPool.create(), Dense.of(2, 3)),
                1)) {
            assertEquals(List.of("0.c1.weight", "0.c1.bias", "0.c2.weight", "0.c2.bias", "0.head.weight",
                    "0.head.bias", "2.weight", "2.bias"), List.copyOf(m.namedParameters().keySet()));
        }
        Graph g = unet(AvgPool2d.of(2));
        assertEquals(List.of("c1", "a1", "p1", "c2", "a2", "up", "head"),
                g.children().stream().map(Layer.Child::name).toList());
    }

    @Test
    void graphsNestAndCarryDropout() {
        Graph inner = Graph.builder()
                .node("c1", Conv2d.same(2, 2, 3), "input")
                .node("drop", Dropout.of(0.3), "c1")
                .add("sum", "drop", "input")
                .output("sum");
        Graph outer = Graph.builder()
                .node("block", inner, "input")
                .node("pool", GlobalAvgPool.create(), "block")
                .node("fc", Dense.builder(2, 3).xavier().build(), "pool")
                .node("norm", L2Normalize.create(), "fc")
                .output("norm");
        LayerChecks.checkGradients(outer, new int[] {3, 2, 7, 5}, 131);
        try (Model m = Model.create(Graph.builder()
                .node("block", Graph.builder().node("c1", Conv2d.same(2, 2, 3), "input").output("c1"), "input")
                .output("block"), 1)) {
            assertEquals(List.of("block.c1.weight", "block.c1.bias"), List.copyOf(m.namedParameters().keySet()));
        }
    }

    @Test
    void backwardWithoutInputGradientGivesTheSameParameterGradients() {
        Graph g = Graph.builder()
                .node("c1", Conv2d.same(2, 2, 3), "input")
                .concat("cat", "input", "c1")
                .add("sum", "cat", "cat")
                .node("c2", Conv2d.same(4, 1, 3), "sum")
                .output("c2");
        try (Model m = Model.create(g, 4); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {2, 2, 7, 5}, new SplittableRandom(5), 1f);
             Tensor dy = LayerChecks.random(new int[] {2, 1, 7, 5}, new SplittableRandom(6), 1f)) {
            p.forward(x, true, 0);
            p.backwardToInput(dy);
            float[] withInput = m.gradients().toArray();
            m.gradients().fill(Float.NaN);
            p.forward(x, true, 0);
            p.backward(dy);
            assertArrayEquals(withInput, m.gradients().toArray());
        }
        LayerChecks.checkGradients(Graph.builder()
                .node("c1", Conv2d.same(2, 2, 3), "input")
                .concat("cat", "input", "c1")
                .add("sum", "cat", "cat")
                .node("c2", Conv2d.same(4, 1, 3), "sum")
                .output("c2"), new int[] {3, 2, 7, 5}, 121);
    }

    @Test
    void builderValidatesNamesInputsAndUse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Graph.builder()
                .node("c1", Conv2d.same(1, 1, 3), "input").node("c2", Conv2d.same(1, 1, 3), "c3"));
        assertTrue(e.getMessage().contains("'c3' is not defined yet") && e.getMessage().contains("c1"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Graph.builder()
                .node("c1", Conv2d.same(1, 1, 3), "input").node("c1", Conv2d.same(1, 1, 3), "c1"));
        assertTrue(e.getMessage().contains("'c1' is already defined"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Graph.builder().node("input", Flatten.create(), "input"));
        assertThrows(IllegalArgumentException.class, () -> Graph.builder().node("a.b", Flatten.create(), "input"));
        e = assertThrows(IllegalArgumentException.class, () -> Graph.builder()
                .node("c1", Conv2d.same(1, 1, 3), "input").concat("cat", "c1"));
        assertTrue(e.getMessage().contains("at least two inputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Graph.builder()
                .node("c1", Conv2d.same(1, 1, 3), "input").node("dead", Conv2d.same(1, 1, 3), "input")
                .output("c1"));
        assertTrue(e.getMessage().contains("'dead' does not feed the output"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Graph.builder()
                .node("c1", Conv2d.same(1, 1, 3), "input").output("nope"));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Graph.builder()
                .node("c1", Conv2d.same(1, 1, 3), "input").output("input"));
        Conv2d shared = Conv2d.same(1, 1, 3);
        e = assertThrows(IllegalArgumentException.class, () -> Graph.builder()
                .node("a", shared, "input").node("b", shared, "a").output("b"));
        assertTrue(e.getMessage().contains("same layer"), e.getMessage());
    }

    @Test
    void shapeErrorsNameTheNode() {
        Graph cat = Graph.builder()
                .node("p", MaxPool2d.of(2), "input")
                .concat("cat", "p", "input")
                .output("cat");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cat.outputShape(new int[] {1, 2, 8, 8}));
        assertTrue(e.getMessage().contains("concat 'cat'") && e.getMessage().contains("[B, C_i, H, W]")
                && e.getMessage().contains("p [1, 2, 4, 4]") && e.getMessage().contains("input [1, 2, 8, 8]"),
                e.getMessage());
        Graph sum = Graph.builder()
                .node("c", Conv2d.same(2, 3, 3), "input")
                .add("sum", "c", "input")
                .output("sum");
        e = assertThrows(IllegalArgumentException.class, () -> sum.outputShape(new int[] {1, 2, 5, 5}));
        assertTrue(e.getMessage().contains("add 'sum'") && e.getMessage().contains("equal shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sum.outputShape(new int[] {1, 4, 5, 5}));
        assertTrue(e.getMessage().contains("node 'c'") && e.getMessage().contains("[B, 2, H, W]"), e.getMessage());
        try (Model m = Model.create(sum, 1); Pass p = m.newPass(OPS); Tensor x = Tensor.zeros(1, 2, 5, 5)) {
            assertThrows(IllegalArgumentException.class, () -> p.forward(x, true, 0));
        }
    }
}
