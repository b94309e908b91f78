package dev.pixelflow.simd.loss;

import static dev.pixelflow.simd.loss.BinaryCrossEntropyGoldenTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded randomized properties and finite-difference gradient checks. */
class BinaryCrossEntropyPropertiesTest {

    private static Tensor random(Random r, float scale, boolean unit, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, unit ? r.nextFloat() : (float) (r.nextGaussian() * scale));
        }
        return t;
    }

    private static BinaryCrossEntropy bce(Reduction r, float[] pw) {
        return BinaryCrossEntropy.builder().reduction(r).posWeight(pw).build();
    }

    @Test
    void meanIsSumOverCountAndPosWeightOneIsPlain() {
        Random r = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int b = 1 + r.nextInt(3);
            int c = 1 + r.nextInt(3);
            int h = 1 + r.nextInt(6);
            int w = 1 + r.nextInt(6);
            try (Tensor x = random(r, 5, false, b, c, h, w); Tensor y = random(r, 0, true, b, c, h, w);
                    Tensor wt = random(r, 0, true, b, c, h, w)) {
                float sum = bce(Reduction.SUM, null).forward(x, y, wt, null, null, null);
                float mean = bce(Reduction.MEAN, null).forward(x, y, wt, null, null, null);
                assertClose(sum / (double) x.size(), mean, "MEAN == SUM / N");
                float[] ones = new float[c];
                java.util.Arrays.fill(ones, 1f);
                assertEquals(mean, bce(Reduction.MEAN, ones).forward(x, y, wt, null, null, null),
                        "posWeight 1 == plain");
                float perImage = bce(Reduction.MEAN_PER_IMAGE, null).forward(x, y, wt, null, null, null);
                assertClose(mean, perImage, "MEAN_PER_IMAGE == MEAN for equal images");
            }
        }
    }

    @Test
    void meanPerImageAveragesImageMeansWhenCountsDiffer() {
        try (Tensor x = Tensor.of(new float[] {0, 0, 2, -1}, 2, 1, 1, 2);
                Tensor y = Tensor.of(new float[] {1, 0, 1, 1}, 2, 1, 1, 2);
                Tensor mask = Tensor.of(new float[] {0, 1, 0, 0}, 2, 1, 1, 2)) {
            double l0 = Math.log(2);
            double l2 = Math.log1p(Math.exp(-2));
            double l3 = Math.log1p(Math.exp(1));
            assertClose((l0 + (l2 + l3) / 2) / 2,
                    bce(Reduction.MEAN_PER_IMAGE, null).forward(x, y, null, mask, null, null), "per image");
            assertClose((l0 + l2 + l3) / 3, bce(Reduction.MEAN, null).forward(x, y, null, mask, null, null),
                    "MEAN divides by counted pixels");
        }
    }

    @Test
    void everythingIgnoredGivesZeroLossAndZeroGradient() {
        for (Reduction red : new Reduction[] {Reduction.SUM, Reduction.MEAN, Reduction.MEAN_PER_IMAGE}) {
            try (Tensor x = Tensor.of(new float[] {Float.NaN, 3, -80, 80}, 1, 2, 2, 1);
                    Tensor y = Tensor.of(new float[] {255, 0, 1, 0}, 1, 2, 2, 1);
                    Tensor mask = Tensor.zeros(1, 2, 2, 1).fill(1f);
                    Tensor grad = Tensor.zeros(1, 2, 2, 1).fill(7f)) {
                assertEquals(0f, bce(red, null).forward(x, y, null, mask, grad, null), red.toString());
                for (float g : grad.toArray()) {
                    assertEquals(0f, g, red + " gradient");
                }
            }
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        float[] xs = {80, -80, 30, -30, 1e30f, -1e30f};
        try (Tensor x = Tensor.of(xs, 1, 1, 1, 6); Tensor y0 = Tensor.zeros(1, 1, 1, 6);
                Tensor y1 = Tensor.zeros(1, 1, 1, 6).fill(1f); Tensor grad = Tensor.zeros(1, 1, 1, 6);
                Tensor map = Tensor.zeros(1, 1, 1, 6)) {
            for (Tensor y : new Tensor[] {y0, y1}) {
                float v = bce(Reduction.MEAN, new float[] {2.5f}).forward(x, y, null, null, grad, map);
                assertTrue(Float.isFinite(v), "loss " + v);
                for (int i = 0; i < 6; i++) {
                    assertTrue(Float.isFinite(grad.getFlat(i)) && Float.isFinite(map.getFlat(i)), "element " + i);
                }
            }
            bce(Reduction.NONE, null).forward(x, y1, null, null, grad, map);
            assertClose(80.0, map.getFlat(1), "x=-80, y=1 costs 80");
            assertClose(-1.0, grad.getFlat(1), "and has gradient -1");
        }
    }

    @Test
    void logitGradientMatchesCentralDifferences() {
        Random r = new Random(5);
        int[] shape = {2, 3, 3, 4};
        float[] pw = {0.5f, 1f, 3f};
        try (Tensor x = random(r, 3, false, shape); Tensor y = random(r, 0, true, shape);
                Tensor w = random(r, 0, true, shape); Tensor grad = Tensor.zeros(shape);
                Tensor mask = Tensor.zeros(shape)) {
            for (long i = 0; i < mask.size(); i += 5) {
                mask.setFlat(i, 1f);
            }
            for (Reduction red : new Reduction[] {Reduction.SUM, Reduction.MEAN, Reduction.MEAN_PER_IMAGE}) {
                BinaryCrossEntropy loss = bce(red, pw);
                loss.forward(x, y, w, mask, grad, null);
                for (long i = 0; i < x.size(); i++) {
                    float x0 = x.getFlat(i);
                    float h = 1e-2f;
                    x.setFlat(i, x0 + h);
                    double up = loss.forward(x, y, w, mask, null, null);
                    x.setFlat(i, x0 - h);
                    double down = loss.forward(x, y, w, mask, null, null);
                    x.setFlat(i, x0);
                    double fd = (up - down) / (2 * h);
                    double tol = 2e-3 * Math.max(1, Math.abs(fd)) + (red == Reduction.SUM ? 1e-4 : 1e-5);
                    assertTrue(Math.abs(fd - grad.getFlat(i)) <= tol,
                            red + " at " + i + ": fd " + fd + " analytic " + grad.getFlat(i));
                }
            }
        }
    }

    @Test
    void probabilityGradientMatchesCentralDifferences() {
        Random r = new Random(6);
        int[] shape = {2, 2, 3, 3};
        try (Tensor q = random(r, 0, true, shape); Tensor y = random(r, 0, true, shape);
                Tensor grad = Tensor.zeros(shape)) {
            for (long i = 0; i < q.size(); i++) {
                q.setFlat(i, 0.05f + 0.9f * q.getFlat(i));
            }
            BinaryCrossEntropyProbabilities loss = BinaryCrossEntropyProbabilities.builder()
                    .reduction(Reduction.MEAN).labelSmoothing(0.1f).build();
            loss.forward(q, y, null, null, grad, null);
            for (long i = 0; i < q.size(); i++) {
                float q0 = q.getFlat(i);
                float h = 1e-3f;
                q.setFlat(i, q0 + h);
                double up = loss.forward(q, y);
                q.setFlat(i, q0 - h);
                double down = loss.forward(q, y);
                q.setFlat(i, q0);
                double fd = (up - down) / (2 * h);
                assertTrue(Math.abs(fd - grad.getFlat(i)) <= 3e-3 * Math.max(1, Math.abs(fd)) + 1e-4,
                        "at " + i + ": fd " + fd + " analytic " + grad.getFlat(i));
            }
        }
    }
}
