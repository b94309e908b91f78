package dev.pixelflow.simd.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Model;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerBehaviourTest {

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void buildersValidate() {
        assertTrue(message(() -> Sgd.builder().momentum(1)).contains("momentum"));
        assertTrue(message(() -> Sgd.builder().momentum(-0.1)).contains("momentum"));
        assertTrue(message(() -> Sgd.builder().weightDecay(-1)).contains("weight decay"));
        assertTrue(message(() -> Sgd.builder().nesterov(true).build()).contains("Nesterov"));
        assertTrue(message(() -> Sgd.builder().momentum(0.9).dampening(0.1).nesterov(true).build())
                .contains("dampening"));
        assertTrue(message(() -> Adam.builder().betas(1, 0.9)).contains("beta1"));
        assertTrue(message(() -> Adam.builder().betas(0.9, Double.NaN)).contains("beta2"));
        assertTrue(message(() -> Adam.builder().eps(0)).contains("eps"));
        assertTrue(message(() -> Adam.adamW().weightDecay(Double.POSITIVE_INFINITY)).contains("weight decay"));
        try (Model m = VectorLayer.model(3, 2); Optimizer o = Sgd.builder().build()) {
            assertTrue(message(() -> o.step(m, -1)).contains("learning rate"));
            assertTrue(message(() -> o.step(m, Double.NaN)).contains("learning rate"));
        }
        assertEquals("adam", Adam.builder().build().type());
        assertEquals("adamw", Adam.adamW().build().type());
        assertEquals("sgd", Sgd.builder().build().type());
    }

    @Test
    void weightDecayOnlyTouchesDecayingParameters() {
        try (Model m = VectorLayer.model(3, 2); Optimizer o = Adam.adamW().weightDecay(0.5).build()) {
            float[] before = m.values().toArray();
            m.gradients().fill(0f);
            o.step(m, 0.1);
            float[] after = m.values().toArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(before[i] * 0.95f, after[i], 1e-6, "weight " + i);
            }
            for (int i = 3; i < 5; i++) {
                assertEquals(before[i], after[i], "bias " + i);
            }
        }
    }

    @Test
    void oneOptimizerPerModelAndClosedIsClosed() {
        try (Model a = VectorLayer.model(3, 2); Model b = VectorLayer.model(3, 2)) {
            Optimizer o = Sgd.builder().momentum(0.5).build();
            assertTrue(o.state().isEmpty());
            o.step(a, 0.1);
            assertEquals(1, o.steps());
            assertEquals(5, o.state().get("momentum_buffer").size());
            assertTrue(message(() -> o.step(b, 0.1)).contains("another model"));
            o.close();
            assertThrows(IllegalStateException.class, () -> o.step(a, 0.1));
        }
    }

    @Test
    void restoreStateValidatesNamesAndSizes() {
        try (Model m = VectorLayer.model(3, 2); Optimizer o = Adam.builder().build()) {
            Map<String, float[]> ok = new LinkedHashMap<>();
            ok.put("exp_avg", new float[5]);
            ok.put("exp_avg_sq", new float[5]);
            Map<String, float[]> missing = Map.of("exp_avg", new float[5]);
            assertTrue(message(() -> o.restoreState(m, 3, missing)).contains("missing tensor 'exp_avg_sq'"));
            Map<String, float[]> wrong = Map.of("exp_avg", new float[5], "exp_avg_sq", new float[4]);
            String e = message(() -> o.restoreState(m, 3, wrong));
            assertTrue(e.contains("'exp_avg_sq' has 4 elements") && e.contains("5 parameters"), e);
            Map<String, float[]> extra = new LinkedHashMap<>(ok);
            extra.put("momentum_buffer", new float[5]);
            assertTrue(message(() -> o.restoreState(m, 3, extra)).contains("unexpected tensors [momentum_buffer]"));
            assertTrue(message(() -> o.restoreState(m, 0, ok)).contains("must be empty"));
            assertTrue(message(() -> o.restoreState(m, -1, ok)).contains(">= 0"));
            ok.get("exp_avg")[2] = 7f;
            o.restoreState(m, 3, ok);
            assertEquals(3, o.steps());
            assertEquals(7f, o.state().get("exp_avg").getFlat(2));
            ok.get("exp_avg")[2] = 8f; // copied, not kept
            assertEquals(7f, o.state().get("exp_avg").getFlat(2));
        }
    }

    @Test
    void schedules() {
        assertEquals(0.1, LearningRateSchedule.constant(0.1).rate(1000));
        LearningRateSchedule s = LearningRateSchedule.stepDecay(1, 10, 0.5);
        assertEquals(1, s.rate(9));
        assertEquals(0.5, s.rate(10));
        assertEquals(0.25, s.rate(25));
        assertEquals(0.5 * 0.9 * 0.9, LearningRateSchedule.exponential(0.5, 0.9).rate(2), 1e-15);
        LearningRateSchedule c = LearningRateSchedule.cosine(1, 0.1, 10);
        assertEquals(1, c.rate(0), 1e-15);
        assertEquals(0.55, c.rate(5), 1e-12);
        assertEquals(0.1, c.rate(10), 1e-15);
        assertEquals(0.1, c.rate(50), 1e-15);
        LearningRateSchedule w = c.withWarmup(4);
        assertEquals(0.25, w.rate(0), 1e-15);
        assertEquals(0.75, w.rate(2), 1e-15);
        assertEquals(1, w.rate(4), 1e-15);
        assertEquals(0.55, w.rate(9), 1e-12);
        assertEquals(0.1, LearningRateSchedule.constant(0.1).withWarmup(0).rate(0));
        assertTrue(message(() -> LearningRateSchedule.constant(-1)).contains("rate"));
        assertTrue(message(() -> LearningRateSchedule.stepDecay(1, 0, 0.5)).contains("interval"));
        assertTrue(message(() -> LearningRateSchedule.exponential(1, 1.5)).contains("gamma"));
        assertTrue(message(() -> LearningRateSchedule.cosine(0.1, 1, 10)).contains("minimum"));
        assertTrue(message(() -> LearningRateSchedule.cosine(1, 0, 0)).contains("period"));
        assertTrue(message(() -> LearningRateSchedule.warmup(-1, s)).contains("warm-up"));
        assertTrue(message(() -> s.rate(-1)).contains("step"));
    }

    @Test
    void clipNormLikePyTorch() {
        try (Model m = VectorLayer.model(3, 1)) {
            m.gradients().copyFrom(new float[] {3, 0, 0, 4});
            assertEquals(5, GradientClipping.norm(m), 1e-12);
            assertEquals(5, GradientClipping.clipNorm(m, 10), 1e-12);
            assertArrayEquals(new float[] {3, 0, 0, 4}, m.gradients().toArray());
            assertEquals(5, GradientClipping.clipNorm(m, 1), 1e-12);
            float f = (float) (1 / (5 + 1e-6));
            assertArrayEquals(new float[] {3 * f, 0, 0, 4 * f}, m.gradients().toArray(), 1e-7f);
            assertEquals(1, GradientClipping.norm(m), 1e-6);
            m.gradients().copyFrom(new float[] {3, -2, 0.5f, 4});
            assertEquals(Math.sqrt(29.25), GradientClipping.clipValue(m, 1), 1e-6);
            assertArrayEquals(new float[] {1, -1, 0.5f, 1}, m.gradients().toArray());
            m.gradients().setFlat(1, Float.NaN);
            assertTrue(Double.isNaN(GradientClipping.clipNorm(m, 0.1)));
            assertEquals(1f, m.gradients().getFlat(0), "untouched when not finite");
            assertTrue(message(() -> GradientClipping.clipNorm(m, 0)).contains("max norm"));
            assertTrue(message(() -> GradientClipping.clipValue(m, -1)).contains("clip value"));
        }
    }

    @Test
    void guardSkipsNonFiniteStepsAndLeavesWeightsAlone() {
        try (Model m = VectorLayer.model(3, 2); Optimizer o = Adam.builder().build()) {
            GradientGuard guard = new GradientGuard();
            m.gradients().fill(0.5f);
            GradientGuard.Result r = guard.step(m, 1.0, o, 0.01);
            assertTrue(r.stepped());
            assertEquals(GradientGuard.Verdict.OK, r.verdict());
            assertEquals(Math.sqrt(5 * 0.25), r.gradientNorm(), 1e-12);
            float[] weights = m.values().toArray();
            Map<String, float[]> state = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : o.state().entrySet()) {
                state.put(e.getKey(), e.getValue().toArray());
            }

            m.gradients().setFlat(1, Float.NaN);
            m.gradients().setFlat(4, Float.NEGATIVE_INFINITY);
            r = guard.step(m, 1.0, o, 0.01);
            assertFalse(r.stepped());
            assertEquals(GradientGuard.Verdict.NON_FINITE_GRADIENT, r.verdict());
            assertEquals(2, r.nonFiniteGradients());
            r = guard.step(m, Double.NaN, o, 0.01);
            assertEquals(GradientGuard.Verdict.NON_FINITE_LOSS, r.verdict());
            assertEquals(3, r.checks());
            assertEquals(2, r.skipped());
            assertEquals(2, r.consecutiveSkips());
            assertArrayEquals(weights, m.values().toArray());
            assertEquals(1, o.steps());
            for (Map.Entry<String, Tensor> e : o.state().entrySet()) {
                assertArrayEquals(state.get(e.getKey()), e.getValue().toArray(), e.getKey());
            }
            m.gradients().fill(0.1f);
            r = guard.step(m, Double.MAX_VALUE, o, 0.01);
            assertTrue(r.stepped());
            assertEquals(0, guard.consecutiveSkips());
            assertEquals(2, guard.skipped());
            assertEquals(2, o.steps());
        }
    }
}
