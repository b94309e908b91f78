package dev.pixelflow.simd.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    // target = [0,0,1,1, 2,2,0,1], predicted = [0,1,1,1, 2,0,0,2] as [2, 1, 2, 2]
    // rows (target) x columns (predicted): t0 -> p0,p1,p0 ; t1 -> p1,p1,p2 ; t2 -> p2,p0
    static final float[] TARGET = {0, 0, 1, 1, 2, 2, 0, 1};
    static final float[] PREDICTED = {0, 1, 1, 1, 2, 0, 0, 2};

    @Test
    void countsTargetRowsAgainstPredictedColumns() {
        ConfusionMatrix m = ConfusionMatrix.of(3);
        try (Tensor p = Tensor.of(PREDICTED, 2, 1, 2, 2); Tensor t = Tensor.of(TARGET, 2, 1, 2, 2)) {
            m.add(p, t);
        }
        assertArrayEquals(new long[] {2, 1, 0}, m.toArray()[0]);
        assertArrayEquals(new long[] {0, 2, 1}, m.toArray()[1]);
        assertArrayEquals(new long[] {1, 0, 1}, m.toArray()[2]);
        assertEquals(8, m.total());
        assertEquals(1, m.count(2, 0));
        m.reset();
        assertEquals(0, m.total());
    }

    @Test
    void ignoredTargetPixelsAreNotCountedWhateverThePrediction() {
        for (int ignore : new int[] {255, -100}) {
            ConfusionMatrix m = ConfusionMatrix.builder(2).ignoreLabel(ignore).build();
            // the prediction under an ignored pixel may even be out of range (7): it is never read
            try (Tensor p = Tensor.of(new float[] {1, 7, 0, 1}, 4); Tensor t = Tensor.of(new float[] {1, ignore, ignore, 0}, 4)) {
                m.add(p, t);
            }
            assertEquals(2, m.total());
            assertEquals(1, m.count(1, 1));
            assertEquals(1, m.count(0, 1));
        }
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.builder(3).ignoreLabel(2));
    }

    @Test
    void ignoreLabelIsAnErrorWhenNotConfigured() {
        ConfusionMatrix m = ConfusionMatrix.of(2);
        try (Tensor p = Tensor.of(new float[] {0, 1}, 2); Tensor t = Tensor.of(new float[] {0, 255}, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.add(p, t));
            assertTrue(e.getMessage().contains("255.0"), e.getMessage());
        }
    }

    @Test
    void binaryLogitsThresholdAtZeroByDefault() {
        ConfusionMatrix m = ConfusionMatrix.of(2);
        // logits [-1, 0, 0.5, 3] -> predicted [0, 0, 1, 1] (0 is not > 0); mask [0, 1, 0, 1]
        try (Tensor z = Tensor.of(new float[] {-1, 0, 0.5f, 3}, 1, 1, 2, 2);
                Tensor y = Tensor.of(new float[] {0, 1, 0, 1}, 1, 2, 2)) {
            m.addBinaryLogits(z, y);
            assertArrayEquals(new long[][] {{1, 1}, {1, 1}}, m.toArray());
            m.reset();
            // threshold 1: predicted [0, 0, 0, 1]
            m.addBinaryLogits(z, y.reshape(1, 1, 2, 2), 1f);
            assertArrayEquals(new long[][] {{2, 0}, {1, 1}}, m.toArray());
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (Tensor z = Tensor.zeros(1, 1, 2, 2); Tensor y = Tensor.zeros(1, 1, 2, 2)) {
                ConfusionMatrix.of(3).addBinaryLogits(z, y);
            }
        });
    }

    @Test
    void argmaxOverChannelsTiesGoToTheLowestClass() {
        ConfusionMatrix m = ConfusionMatrix.of(3);
        // scores [1, 3, 1, 2]: pixel 0 = (0.1, 0.5, 0.2) -> 1 ; pixel 1 = (2, 2, 1) -> 0 (tie)
        try (Tensor s = Tensor.of(new float[] {0.1f, 2, 0.5f, 2, 0.2f, 1}, 1, 3, 1, 2);
                Tensor y = Tensor.of(new float[] {1, 2}, 1, 1, 2)) {
            m.addArgmax(s, y);
        }
        assertArrayEquals(new long[][] {{0, 0, 0}, {0, 1, 0}, {1, 0, 0}}, m.toArray());
    }

    @Test
    void argmaxOverManyPixelsMatchesAPlainLoop() {
        Random r = new Random(7);
        int b = 2;
        int c = 4;
        int h = 3;
        int w = 5;
        float[] scores = new float[b * c * h * w];
        float[] labels = new float[b * h * w];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) r.nextGaussian();
        }
        long[][] expected = new long[c][c];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(c);
            int n = i / (h * w);
            int px = i % (h * w);
            int best = 0;
            for (int k = 1; k < c; k++) {
                if (scores[(n * c + k) * h * w + px] > scores[(n * c + best) * h * w + px]) {
                    best = k;
                }
            }
            expected[(int) labels[i]][best]++;
        }
        ConfusionMatrix m = ConfusionMatrix.of(c);
        try (Tensor s = Tensor.of(scores, b, c, h, w); Tensor y = Tensor.of(labels, b, 1, h, w)) {
            m.addArgmax(s, y);
        }
        assertArrayEquals(expected, m.toArray());
    }

    @Test
    void mergeEqualsAddingEverythingToOneMatrix() {
        Random r = new Random(11);
        ConfusionMatrix all = ConfusionMatrix.builder(4).ignoreLabel(255).build();
        ConfusionMatrix a = ConfusionMatrix.builder(4).ignoreLabel(255).build();
        ConfusionMatrix b = ConfusionMatrix.builder(4).ignoreLabel(255).build();
        for (int batch = 0; batch < 6; batch++) {
            float[] p = new float[50];
            float[] t = new float[50];
            for (int i = 0; i < 50; i++) {
                p[i] = r.nextInt(4);
                t[i] = r.nextInt(10) == 0 ? 255 : r.nextInt(4);
            }
            try (Tensor pt = Tensor.of(p, 2, 5, 5); Tensor tt = Tensor.of(t, 2, 5, 5)) {
                all.add(pt, tt);
                (batch % 2 == 0 ? a : b).add(pt, tt);
            }
        }
        a.merge(b);
        assertArrayEquals(all.toArray(), a.toArray());
        assertEquals(all.total(), a.total());
        assertThrows(IllegalArgumentException.class, () -> a.merge(ConfusionMatrix.of(4)));
        assertThrows(IllegalArgumentException.class, () -> a.merge(ConfusionMatrix.builder(3).ignoreLabel(255).build()));
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (Tensor p = Tensor.zeros(2, 1, 4, 4); Tensor t = Tensor.zeros(2, 4, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(2).add(p, t));
            assertTrue(e.getMessage().contains("[2, 1, 4, 4]") && e.getMessage().contains("[2, 4, 4]"), e.getMessage());
        }
        try (Tensor s = Tensor.zeros(1, 3, 2, 2); Tensor y = Tensor.zeros(1, 2, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(3).addArgmax(s, y));
            assertTrue(e.getMessage().contains("[1, 3, 2, 2]") && e.getMessage().contains("[1, 2, 3]"), e.getMessage());
        }
    }

    @Test
    void badLabelsNameValueAndPositionAndLeaveTheMatrixUnchanged() {
        ConfusionMatrix m = ConfusionMatrix.of(3);
        try (Tensor p = Tensor.of(PREDICTED, 2, 1, 2, 2); Tensor t = Tensor.of(TARGET, 2, 1, 2, 2)) {
            m.add(p, t);
        }
        long[][] before = m.toArray();
        // flat 6 of [2, 1, 2, 2] is [1, 0, 1, 0]
        float[] bad = TARGET.clone();
        bad[6] = 3;
        IllegalArgumentException e = addExpectingFailure(m, PREDICTED, bad);
        assertTrue(e.getMessage().contains("3.0") && e.getMessage().contains("[1, 0, 1, 0]"), e.getMessage());
        bad[6] = Float.NaN;
        e = addExpectingFailure(m, PREDICTED, bad);
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[1, 0, 1, 0]"), e.getMessage());
        bad[6] = 1.5f;
        addExpectingFailure(m, PREDICTED, bad);
        bad[6] = -1;
        addExpectingFailure(m, PREDICTED, bad);
        float[] badP = PREDICTED.clone();
        badP[7] = Float.NaN;
        e = addExpectingFailure(m, badP, TARGET);
        assertTrue(e.getMessage().contains("predicted"), e.getMessage());
        assertArrayEquals(before, m.toArray());
    }

    @Test
    void builderValidatesClassesAndWeights() {
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(0));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.builder(2).classWeights(1));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.builder(2).classWeights(1, -1));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.builder(2).classWeights(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(2).count(2, 0));
    }

    private static IllegalArgumentException addExpectingFailure(ConfusionMatrix m, float[] p, float[] t) {
        try (Tensor pt = Tensor.of(p, 2, 1, 2, 2); Tensor tt = Tensor.of(t, 2, 1, 2, 2)) {
            return assertThrows(IllegalArgumentException.class, () -> m.add(pt, tt));
        }
    }
}
