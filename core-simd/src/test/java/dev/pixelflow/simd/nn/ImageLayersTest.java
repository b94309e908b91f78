package dev.pixelflow.simd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Conv2dSpec;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Pool2dSpec;
import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageLayersTest {
    private static final Ops OPS = Ops.builder().threads(1).build();

    /** Distinct values spaced 0.05 apart in random order, so max pooling has no near-ties under FD steps. */
    static Tensor distinct(int[] shape, long seed) {
        Tensor t = Tensor.zeros(shape);
        int n = (int) t.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (int i = 0; i < n; i++) {
            t.setFlat(i, (perm[i] - n / 2f) * 0.05f);
        }
        return t;
    }

    @Test
    void convTranspose2dGradientsMatchFiniteDifferences() {
        LayerChecks.checkGradients(ConvTranspose2d.builder(3, 4, 3).build(), new int[] {2, 3, 7, 5}, 11);
        LayerChecks.checkGradients(ConvTranspose2d.builder(4, 2, 3).stride(2).padding(1).outputPadding(1)
                .bias(false).build(), new int[] {1, 4, 5, 3}, 12);
        LayerChecks.checkGradients(ConvTranspose2d.builder(4, 6, 3).groups(2).stride(2).build(),
                new int[] {3, 4, 3, 4}, 13);
        LayerChecks.checkGradients(ConvTranspose2d.doubling(2, 3), new int[] {1, 2, 7, 5}, 14);
    }

    @Test
    void convTranspose2dMatchesADirectScatter() {
        ConvTranspose2d layer = ConvTranspose2d.builder(2, 3, 3).stride(2).padding(1).outputPadding(1).build();
        int[] xs = {2, 2, 3, 5};
        try (Model m = Model.create(layer, 3); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(xs, new SplittableRandom(4), 1f)) {
            m.value(layer.bias()).copyFrom(new float[] {0.1f, -0.2f, 0.3f});
            Tensor y = p.predict(x);
            int oh = (3 - 1) * 2 - 2 + 2 + 1 + 1;
            int ow = (5 - 1) * 2 - 2 + 2 + 1 + 1;
            assertArrayEquals(new int[] {2, 3, oh, ow}, y.shape());
            Tensor w = m.value(layer.weight());
            double[][][][] ref = new double[2][3][oh][ow];
            for (int n = 0; n < 2; n++) {
                for (int o = 0; o < 3; o++) {
                    for (int a = 0; a < oh; a++) {
                        for (int b = 0; b < ow; b++) {
                            ref[n][o][a][b] = m.value(layer.bias()).getFlat(o);
                        }
                    }
                    for (int i = 0; i < 2; i++) {
                        for (int ih = 0; ih < 3; ih++) {
                            for (int iw = 0; iw < 5; iw++) {
                                for (int kh = 0; kh < 3; kh++) {
                                    for (int kw = 0; kw < 3; kw++) {
                                        int yh = ih * 2 - 1 + kh;
                                        int yw = iw * 2 - 1 + kw;
                                        if (yh >= 0 && yh < oh && yw >= 0 && yw < ow) {
                                            ref[n][o][yh][yw] += x.get(n, i, ih, iw) * w.get(i, o, kh, kw);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    for (int a = 0; a < oh; a++) {
                        for (int b = 0; b < ow; b++) {
                            assertEquals(ref[n][o][a][b], y.get(n, o, a, b), 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void convTranspose2dShapeFormula() {
        int[][] cases = {{1, 3, 0, 0, 1}, {2, 3, 1, 1, 1}, {3, 4, 2, 2, 1}, {2, 3, 0, 0, 2}, {2, 2, 0, 1, 1}};
        for (int[] c : cases) {
            int s = c[0];
            int k = c[1];
            int pad = c[2];
            int op = c[3];
            int d = c[4];
            ConvTranspose2d l = ConvTranspose2d.builder(2, 3, k).spec(new Conv2dSpec(s, s, pad, pad, d, d, 1, op, op))
                    .build();
            for (int h : new int[] {1, 5, 7, 13}) {
                int expected = (h - 1) * s - 2 * pad + d * (k - 1) + op + 1;
                if (expected < 1) {
                    continue;
                }
                assertArrayEquals(new int[] {3, 3, expected, expected}, l.outputShape(new int[] {3, 2, h, h}));
            }
        }
        assertArrayEquals(new int[] {1, 4, 14, 10}, ConvTranspose2d.doubling(2, 4).outputShape(new int[] {1, 2, 7, 5}));
    }

    @Test
    void poolGradientsMatchFiniteDifferences() {
        try (Tensor x = distinct(new int[] {3, 2, 7, 5}, 21)) {
            LayerChecks.checkGradients(MaxPool2d.of(2), x, 21, 1e-2, 2e-2);
            LayerChecks.checkGradients(MaxPool2d.of(3, 2, 1), x, 22, 1e-2, 2e-2);
            LayerChecks.checkGradients(MaxPool2d.of(Pool2dSpec.of(2, 1, 0).withDilation(2)), x, 23, 1e-2, 2e-2);
        }
        try (Tensor x = distinct(new int[] {1, 3, 13, 13}, 24)) {
            LayerChecks.checkGradients(MaxPool2d.of(2), x, 24, 1e-2, 2e-2);
        }
        LayerChecks.checkGradients(AvgPool2d.of(2), new int[] {3, 2, 7, 5}, 25);
        LayerChecks.checkGradients(AvgPool2d.of(3, 2, 1), new int[] {1, 3, 13, 7}, 26);
        LayerChecks.checkGradients(AvgPool2d.of(Pool2dSpec.of(3, 2, 1).withCountIncludePad(false)),
                new int[] {2, 2, 7, 5}, 27);
    }

    @Test
    void poolShapeFormula() {
        for (int h : new int[] {2, 5, 7, 13}) {
            for (int[] c : new int[][] {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}, {2, 1, 0}}) {
                int expected = (h + 2 * c[2] - c[0]) / c[1] + 1;
                assertArrayEquals(new int[] {2, 3, expected, expected},
                        MaxPool2d.of(c[0], c[1], c[2]).outputShape(new int[] {2, 3, h, h}));
                assertArrayEquals(new int[] {2, 3, expected, expected},
                        AvgPool2d.of(c[0], c[1], c[2]).outputShape(new int[] {2, 3, h, h}));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.of(3).outputShape(new int[] {1, 1, 2, 5}));
        assertTrue(e.getMessage().contains("MaxPool2d"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AvgPool2d.of(Pool2dSpec.of(2).withDilation(2)));
    }

    @Test
    void upsampleGradientsAndShapes() {
        LayerChecks.checkGradients(Upsample.scale(2), new int[] {3, 2, 7, 5}, 31);
        LayerChecks.checkGradients(Upsample.scale(3, 2), new int[] {1, 1, 4, 5}, 32);
        LayerChecks.checkGradients(Upsample.toSize(13, 6), new int[] {2, 2, 7, 5}, 33);
        LayerChecks.checkGradients(Upsample.toSize(4, 3), new int[] {1, 2, 7, 5}, 34); // shrinking
        assertArrayEquals(new int[] {2, 3, 14, 10}, Upsample.scale(2).outputShape(new int[] {2, 3, 7, 5}));
        assertArrayEquals(new int[] {2, 3, 21, 10}, Upsample.scale(3, 2).outputShape(new int[] {2, 3, 7, 5}));
        assertArrayEquals(new int[] {2, 3, 9, 4}, Upsample.toSize(9, 4).outputShape(new int[] {2, 3, 7, 5}));
        assertThrows(IllegalArgumentException.class, () -> Upsample.scale(0));
        assertThrows(IllegalArgumentException.class, () -> Upsample.toSize(0, 3));
    }

    @Test
    void upsampleByTwoOfAConstantImageIsConstant() {
        Upsample up = Upsample.scale(2);
        try (Model m = Model.create(up, 1); Pass p = m.newPass(OPS); Tensor x = Tensor.zeros(1, 1, 3, 5)) {
            x.fill(0.75f);
            for (float v : p.predict(x).toArray()) {
                assertEquals(0.75f, v, 1e-6f);
            }
        }
    }

    @Test
    void flattenIsAViewAndGlobalAvgPoolAverages() {
        try (Model m = Model.create(Flatten.create(), 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {3, 2, 7, 5}, new SplittableRandom(1), 1f)) {
            Tensor y = p.forward(x, true, 0);
            assertArrayEquals(new int[] {3, 70}, y.shape());
            assertEquals(x.segment().address(), y.segment().address(), "no copy");
            try (Tensor dy = LayerChecks.random(new int[] {3, 70}, new SplittableRandom(2), 1f)) {
                Tensor dx = p.backwardToInput(dy);
                assertArrayEquals(x.shape(), dx.shape());
                assertArrayEquals(dy.toArray(), dx.toArray());
            }
        }
        LayerChecks.checkGradients(Flatten.create(), new int[] {2, 3, 7, 5}, 41);
        LayerChecks.checkGradients(GlobalAvgPool.create(), new int[] {3, 2, 7, 5}, 42);
        LayerChecks.checkGradients(GlobalAvgPool.create(), new int[] {1, 4, 13, 1}, 43);
        try (Model m = Model.create(GlobalAvgPool.create(), 1); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {2, 3, 7, 5}, new SplittableRandom(3), 1f)) {
            Tensor y = p.predict(x);
            assertArrayEquals(new int[] {2, 3}, y.shape());
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int h = 0; h < 7; h++) {
                        for (int w = 0; w < 5; w++) {
                            s += x.get(b, c, h, w);
                        }
                    }
                    assertEquals(s / 35, y.get(b, c), 1e-6);
                }
            }
        }
        assertArrayEquals(new int[] {4, 6}, Flatten.create().outputShape(new int[] {4, 6}));
        assertArrayEquals(new int[] {4, 30}, Flatten.create().outputShape(new int[] {4, 2, 3, 5}));
    }

    @Test
    void badImageInputsNameTheLayerAndLayout() {
        int[] flat = {2, 12};
        for (Layer l : new Layer[] {MaxPool2d.of(2), AvgPool2d.of(2), Upsample.scale(2), GlobalAvgPool.create()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.outputShape(flat));
            String name = l.getClass().getSimpleName();
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("[B, C, H, W]")
                    && e.getMessage().contains("[2, 12]"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvTranspose2d.builder(3, 2, 3).build().outputShape(new int[] {1, 2, 5, 5}));
        assertTrue(e.getMessage().contains("ConvTranspose2d") && e.getMessage().contains("[B, 3, H, W]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Flatten.create().outputShape(new int[] {5}));
        assertTrue(e.getMessage().contains("Flatten") && e.getMessage().contains("[B, ...]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvTranspose2d.builder(3, 4, 3).groups(2).build());
        assertThrows(IllegalArgumentException.class, () -> ConvTranspose2d.builder(2, 2, 3).outputPadding(1));
    }

    @Test
    void flattenOfAnInferencePassSavesNothing() {
        try (Model m = Model.create(Flatten.create(), 1); Pass p = m.newPass(OPS); Tensor x = Tensor.zeros(2, 3)) {
            assertEquals(x.segment().address(), p.predict(x).segment().address());
        }
    }
}
