package dev.pixelflow.simd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Model;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Against torch.optim in float64 ({@code src/test/python/optim_golden.py}): 5 steps with fixed gradients and a
 * changing learning rate, weight decay on the weight only; and the learning-rate schedules against
 * {@code torch.optim.lr_scheduler}. Tolerance {@code 1e-6 * (|expected| + 0.1)}: the
 * Java update runs in float32.
 */
class OptimizerGoldenTest {

    private static float[] load(String name) throws IOException {
        try (InputStream in = OptimizerGoldenTest.class.getResourceAsStream("/optim/" + name + ".npy")) {
            if (in == null) {
                throw new IOException("missing golden file " + name);
            }
            try (Tensor t = Npy.read(in, name)) {
                return t.toArray();
            }
        }
    }

    private static void check(String name, Ops.Provider provider, Function<Ops.Provider, Optimizer> make,
                              List<String> stateNames) throws IOException {
        float[] p0 = load("p0");
        float[] grads = load("grads");
        float[] lr = load("lr");
        float[] expected = load(name + "_params");
        int n = p0.length;
        boolean adam = name.startsWith("adam");
        try (Model model = VectorLayer.model(7, 3); Optimizer opt = make.apply(provider)) {
            model.values().copyFrom(p0);
            for (int t = 0; t < lr.length; t++) {
                float[] g = new float[n];
                System.arraycopy(grads, t * n, g, 0, n);
                model.gradients().copyFrom(g);
                opt.step(model, adam ? lr[t] / 8.0 : lr[t]);
                float[] got = model.values().toArray();
                for (int i = 0; i < n; i++) {
                    assertClose(expected[t * n + i], got[i], name + " step " + (t + 1) + " element " + i);
                }
            }
            assertEquals(lr.length, opt.steps());
            assertEquals(stateNames, List.copyOf(opt.state().keySet()));
            for (String s : stateNames) {
                float[] e = load(name + "_" + s);
                float[] got = opt.state().get(s).toArray();
                for (int i = 0; i < n; i++) {
                    assertClose(e[i], got[i], name + " " + s + " element " + i);
                }
            }
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        double tol = 1e-6 * (Math.abs(expected) + 0.1);
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + " but was " + actual
                + " (diff " + Math.abs(expected - actual) + ")");
    }

    @ParameterizedTest
    @EnumSource(value = Ops.Provider.class, names = {"SCALAR", "VECTOR"})
    void sgdMatchesPyTorch(Ops.Provider p) throws IOException {
        check("sgd_nesterov", p, k -> Sgd.builder().momentum(0.9).nesterov(true).weightDecay(0.1).kernels(k).build(),
                List.of("momentum_buffer"));
        check("sgd_dampening", p, k -> Sgd.builder().momentum(0.75).dampening(0.25).weightDecay(0.05).kernels(k)
                .build(), List.of("momentum_buffer"));
        check("sgd_plain", p, k -> Sgd.builder().kernels(k).build(), List.of());
    }

    @Test
    void schedulesMatchPyTorch() throws IOException {
        checkSchedule("lr_step", LearningRateSchedule.stepDecay(0.1, 3, 0.5));
        checkSchedule("lr_exponential", LearningRateSchedule.exponential(0.1, 0.9));
        checkSchedule("lr_cosine", LearningRateSchedule.cosine(0.1, 0.01, 8));
        checkSchedule("lr_warmup_cosine", LearningRateSchedule.cosine(0.1, 0.01, 5).withWarmup(3));
    }

    private static void checkSchedule(String name, LearningRateSchedule s) throws IOException {
        float[] expected = load(name);
        for (int step = 0; step < expected.length; step++) {
            assertClose(expected[step], s.rate(step), name + " step " + step);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ops.Provider.class, names = {"SCALAR", "VECTOR"})
    void adamMatchesPyTorch(Ops.Provider p) throws IOException {
        List<String> s = List.of("exp_avg", "exp_avg_sq");
        check("adam", p, k -> Adam.builder().weightDecay(0.1).kernels(k).build(), s);
        check("adam_betas", p, k -> Adam.builder().betas(0.5, 0.75).eps(1e-3).kernels(k).build(), s);
        check("adamw", p, k -> Adam.adamW().weightDecay(0.1).kernels(k).build(), s);
    }
}
