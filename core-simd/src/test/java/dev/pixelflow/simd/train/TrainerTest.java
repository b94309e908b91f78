package dev.pixelflow.simd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.checkpoint.CheckpointFiles;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.loss.MseLoss;
import dev.pixelflow.simd.loss.SoftmaxCrossEntropy;
import dev.pixelflow.simd.models.FcnSegmenter;
import dev.pixelflow.simd.models.Mlp;
import dev.pixelflow.simd.nn.Dropout;
import dev.pixelflow.simd.nn.Graph;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.ModelSnapshot;
import dev.pixelflow.simd.nn.Pass;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.Optimizer;
import dev.pixelflow.simd.optim.Sgd;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final Ops OPS = Ops.builder().threads(2).build();

    /** Bright squares on noise; the mask marks the squares. */
    static void brightSquares(Tensor x, Tensor y, SplittableRandom r) {
        int b = x.dim(0);
        int h = x.dim(2);
        int w = x.dim(3);
        for (int n = 0; n < b; n++) {
            int cy = r.nextInt(h - 4);
            int cx = r.nextInt(w - 4);
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    boolean in = i >= cy && i < cy + 4 && j >= cx && j < cx + 4;
                    x.set((float) (r.nextDouble() * 0.5 + (in ? 0.8 : 0)), n, 0, i, j);
                    y.set(in ? 1f : 0f, n, 0, i, j);
                }
            }
        }
    }

    private static Model segmenter(long seed) {
        return Model.create(FcnSegmenter.builder().inChannels(1).width(4).depth(1).build(), seed);
    }

    @Test
    void lossFallsAndSnapshotsCarryTheVersion() {
        try (Model model = segmenter(1); Optimizer sgd = Sgd.builder().momentum(0.9).build();
             Trainer<Tensor> t = Trainer.builder(model, Objectives.binarySegmentation(BinaryCrossEntropy.builder().build()),
                     sgd).ops(OPS).learningRate(0.1).build();
             Tensor x = Tensor.zeros(4, 1, 16, 16); Tensor y = Tensor.zeros(4, 1, 16, 16)) {
            SplittableRandom r = new SplittableRandom(3);
            double first = 0;
            double last = 0;
            for (int s = 0; s < 150; s++) {
                brightSquares(x, y, r);
                StepResult res = t.step(x, y);
                assertTrue(res.applied());
                assertNull(res.skipReason());
                assertEquals(s + 1, res.step());
                assertTrue(res.gradientNorm() > 0 && res.forwardNanos() > 0 && res.backwardNanos() > 0);
                assertTrue(res.metrics().containsKey("objectIoU"));
                if (s < 5) {
                    first += res.loss() / 5;
                }
                if (s >= 145) {
                    last += res.loss() / 5;
                }
            }
            assertTrue(last < first / 3, "loss " + first + " -> " + last);
            ModelSnapshot snap = t.snapshot();
            assertEquals(150, snap.version());
            try (Pass p = snap.newPass(OPS)) {
                assertArrayEquals(t.predict(x).toArray(), p.predict(x).toArray());
            }
        }
    }

    @Test
    void classificationOfSamplesLearnsXor() {
        float[] pts = {0, 0, 0, 1, 1, 0, 1, 1};
        float[] cls = {0, 1, 1, 0};
        try (Model model = Model.create(Mlp.builder(2, 2).hidden(8).activation(Activation.TANH).build(), 5);
             Optimizer adam = Adam.builder().build();
             Trainer<Tensor> t = Trainer.builder(model, Objectives.classification(SoftmaxCrossEntropy.defaults()), adam)
                     .ops(OPS).learningRate(0.05).build();
             Tensor x = Tensor.of(pts, 4, 2); Tensor y = Tensor.of(cls, 4)) {
            StepResult last = null;
            for (int s = 0; s < 300; s++) {
                last = t.step(x, y);
            }
            assertEquals(1.0, last.metric("accuracy"), "XOR fitted: " + last);
            assertTrue(last.loss() < 0.05, "loss " + last.loss());
        }
    }

    @Test
    void aNonFiniteGradientSkipsTheStepAndLeavesTheWeights() {
        try (Model model = segmenter(1); Optimizer adam = Adam.builder().build();
             Tensor x = Tensor.zeros(2, 1, 8, 8); Tensor y = Tensor.zeros(2, 1, 8, 8)) {
            Objective<Tensor> poisoned = new Objective<>() {
                @Override
                public double lossAndGradient(Tensor output, Tensor target, Tensor grad) {
                    grad.fill(0f);
                    grad.setFlat(3, Float.NaN);
                    return 1.0;
                }
            };
            try (Trainer<Tensor> t = Trainer.builder(model, poisoned, adam).ops(OPS).build()) {
                float[] before = model.values().toArray();
                StepResult res = t.step(x, y);
                assertFalse(res.applied());
                assertTrue(res.skipReason().contains("NaN or infinite"), res.skipReason());
                assertArrayEquals(before, model.values().toArray());
                assertEquals(1, t.steps());
                assertEquals(0, t.version());
                assertEquals(1, t.skippedSteps());
            }
            Objective<Tensor> nanLoss = (output, target, grad) -> Double.NaN;
            try (Trainer<Tensor> t = Trainer.builder(model, nanLoss, adam).ops(OPS).build()) {
                StepResult res = t.step(x, y);
                assertFalse(res.applied());
                assertEquals("loss is NaN", res.skipReason());
            }
        }
    }

    @Test
    void badBatchesAreRejectedWithTheShape() {
        try (Model model = segmenter(1); Optimizer adam = Adam.builder().build();
             Trainer<Tensor> t = Trainer.builder(model, Objectives.binarySegmentation(BinaryCrossEntropy.builder().build()),
                     adam).ops(OPS).build();
             Tensor x = Tensor.zeros(2, 1, 8, 8); Tensor y = Tensor.zeros(2, 1, 8, 6); Tensor odd = Tensor.zeros(2, 1, 7, 8)) {
            assertThrows(IllegalArgumentException.class, () -> t.step(x, y));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.step(odd, y));
            assertTrue(e.getMessage().contains("[2, 1, 7, 8]"), e.getMessage());
            assertEquals(0, t.version());
        }
    }

    /** Save after 3 steps, load into a new model, optimizer and trainer, continue: same weights as 6 straight steps. */
    @Test
    void checkpointRoundTripContinuesExactly(@TempDir Path dir) throws Exception {
        float[] straight;
        try (Run a = new Run()) {
            for (int s = 0; s < 6; s++) {
                a.step(s);
            }
            straight = a.model.values().toArray();
        }
        Path file = CheckpointFiles.path(dir, 3);
        try (Run b = new Run()) {
            for (int s = 0; s < 3; s++) {
                b.step(s);
            }
            CheckpointFiles.write(file, b.trainer.checkpoint(Map.of("offsets", "frames-0:42")));
        }
        try (Run c = new Run()) {
            Checkpoint cp = CheckpointFiles.read(file);
            assertEquals("frames-0:42", cp.metadata().get("offsets"));
            c.trainer.restore(cp);
            assertEquals(3, c.trainer.steps());
            for (int s = 3; s < 6; s++) {
                c.step(s);
            }
            assertArrayEquals(straight, c.model.values().toArray());
        }
    }

    /**
     * A segmenter with dropout (so the per-step seed matters) trained by AdamW on deterministic batches, regressing
     * the mask with MSE: ReLU, dropout, MSE and AdamW use only exactly rounded arithmetic, so the runs agree bit for
     * bit whatever the JIT has compiled (vector exp/log may round differently before and after compilation).
     */
    private static final class Run implements AutoCloseable {
        final Model model = Model.create(Graph.builder()
                .node("seg", FcnSegmenter.builder().inChannels(1).width(4).depth(1).build(), Graph.INPUT)
                .node("drop", Dropout.of(0.2), "seg").output("drop"), 9);
        final Optimizer adam = Adam.adamW().build();
        final Trainer<Tensor> trainer = Trainer.builder(model,
                Objectives.regression(MseLoss.builder().build()), adam).ops(OPS).learningRate(1e-2)
                .seed(77).build();
        final Tensor x = Tensor.zeros(2, 1, 8, 8);
        final Tensor y = Tensor.zeros(2, 1, 8, 8);

        void step(int s) {
            brightSquares(x, y, new SplittableRandom(100 + s));
            trainer.step(x, y);
        }

        @Override
        public void close() {
            trainer.close();
            adam.close();
            model.close();
            x.close();
            y.close();
        }
    }
}
