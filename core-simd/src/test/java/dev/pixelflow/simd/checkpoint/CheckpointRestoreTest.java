package dev.pixelflow.simd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.ActivationLayer;
import dev.pixelflow.simd.nn.Conv2d;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Pass;
import dev.pixelflow.simd.nn.Sequential;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.LearningRateSchedule;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointRestoreTest {
    private static final Ops OPS = Ops.builder().threads(1).build();
    private static final LearningRateSchedule SCHEDULE = LearningRateSchedule.cosine(0.05, 0.001, 6).withWarmup(2);

    @TempDir
    Path dir;

    @AfterAll
    static void closeOps() {
        OPS.close();
    }

    private static Model tinyModel(long seed) {
        // ReLU and a squared error use only exactly rounded arithmetic (no exp/tanh, whose vector versions may round
        // differently before and after JIT compilation), so resumed and uninterrupted runs agree bit for bit.
        return Model.create(Sequential.of(Conv2d.same(1, 2, 3), ActivationLayer.relu(), Conv2d.same(2, 1, 1)), seed);
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    /** One step on the batch of {@code step}: loss = mean (y - t)^2 / 2, dL/dy = (y - t) / n. */
    private static void train(Model model, Optimizer opt, long step) {
        SplittableRandom r = new SplittableRandom(1000 + step);
        int[] shape = {2, 1, 5, 6};
        int n = 2 * 5 * 6;
        try (Pass pass = model.newPass(OPS); Tensor x = Tensor.of(random(r, n), shape);
             Tensor dy = Tensor.zeros(shape)) {
            float[] target = random(r, n);
            float[] y = pass.forward(x, true, step).toArray();
            float[] d = new float[n];
            for (int i = 0; i < n; i++) {
                d[i] = (y[i] - target[i]) / n;
            }
            dy.copyFrom(d);
            pass.backward(dy);
        }
        opt.step(model, SCHEDULE.rate(opt.steps()));
    }

    private void resumesBitForBit(Supplier<Optimizer> make) throws IOException {
        float[] straight;
        try (Model m = tinyModel(7); Optimizer o = make.get()) {
            for (int s = 0; s < 6; s++) {
                train(m, o, s);
            }
            straight = m.values().toArray();
        }
        Path file = dir.resolve("ckpt.pxck");
        try (Model m = tinyModel(7); Optimizer o = make.get()) {
            for (int s = 0; s < 3; s++) {
                train(m, o, s);
            }
            CheckpointFiles.write(file, Checkpoint.builder(3).model(m).optimizer(o).metadata("offset", "3")
                    .array("stats", new double[] {1, 2}).build());
        }
        Checkpoint c = CheckpointFiles.read(file);
        assertEquals(3, c.step());
        try (Model m = tinyModel(99); Optimizer o = make.get()) {
            c.restoreInto(m);
            c.restoreInto(o, m);
            assertEquals(3, o.steps());
            for (long s = c.step(); s < 6; s++) {
                train(m, o, s);
            }
            float[] resumed = m.values().toArray();
            for (int i = 0; i < straight.length; i++) {
                assertEquals(Float.floatToRawIntBits(straight[i]), Float.floatToRawIntBits(resumed[i]),
                        "parameter element " + i + ": " + resumed[i] + " vs " + straight[i]);
            }
        }
    }

    @Test
    void adamResumesBitForBit() throws IOException {
        resumesBitForBit(() -> Adam.builder().weightDecay(0.01).build());
        resumesBitForBit(() -> Adam.adamW().build());
    }

    @Test
    void sgdResumesBitForBit() throws IOException {
        resumesBitForBit(() -> Sgd.builder().momentum(0.9).nesterov(true).weightDecay(1e-3).build());
    }

    @Test
    void mismatchedModelGivesClearErrors() {
        Checkpoint c;
        try (Model m = tinyModel(1); Optimizer o = Adam.builder().build()) {
            train(m, o, 0);
            c = Checkpoint.builder(1).model(m).optimizer(o).build();
        }
        try (Model other = Model.create(Sequential.of(Conv2d.same(1, 4, 3), ActivationLayer.tanh(),
                Conv2d.same(4, 1, 1), ActivationLayer.tanh(), Conv2d.same(1, 1, 1)), 1)) {
            float[] before = other.values().toArray();
            String m = assertThrows(IllegalArgumentException.class, () -> c.restoreInto(other)).getMessage();
            assertTrue(m.contains("parameter 0.weight has shape [2, 1, 3, 3] in the checkpoint but [4, 1, 3, 3] in"
                    + " the model"), m);
            assertTrue(m.contains("missing parameter 4.weight [1, 1, 1, 1]"), m);
            assertArrayEquals(before, other.values().toArray(), "nothing restored");
        }
        try (Model small = Model.create(Sequential.of(Conv2d.same(1, 2, 3)), 1)) {
            String m = assertThrows(IllegalArgumentException.class, () -> c.restoreInto(small)).getMessage();
            assertTrue(m.contains("unexpected parameter 2.weight [1, 2, 1, 1]"), m);
        }
        try (Model m = tinyModel(2); Optimizer sgd = Sgd.builder().momentum(0.9).build()) {
            c.restoreInto(m);
            String e = assertThrows(IllegalArgumentException.class, () -> c.restoreInto(sgd, m)).getMessage();
            assertTrue(e.contains("adam") && e.contains("sgd"), e);
        }
        try (Model m = tinyModel(2); Optimizer adam = Adam.builder().build()) {
            Checkpoint noOpt = Checkpoint.builder(0).model(m).build();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> noOpt.restoreInto(adam, m)).getMessage()
                    .contains("no optimizer state"));
        }
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.builder(-1));
        Checkpoint.Builder b = Checkpoint.builder(0);
        String m = assertThrows(IllegalArgumentException.class,
                () -> b.parameter("w", new int[] {2, 3}, new float[5])).getMessage();
        assertTrue(m.contains("[2, 3]") && m.contains("5 values"), m);
        b.array("a", new float[1]);
        assertThrows(IllegalArgumentException.class, () -> b.array("a", new double[1]));
        assertThrows(IllegalArgumentException.class, () -> b.parameter("", new int[] {1}, new float[1]));
        Checkpoint c = b.build();
        assertThrows(IllegalArgumentException.class, () -> c.doubleArray("a"));
        assertThrows(IllegalArgumentException.class, () -> c.parameterValues("nope"));
    }
}
