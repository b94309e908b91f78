package dev.pixelflow.simd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.models.FcnSegmenter;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Parameter;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Twenty whole training steps (forward, BCE, backward, Adam) against PyTorch from the same initial weights and
 * batches (training_golden.py): the loss of every step and the final weights agree.
 */
class TrainingGoldenTest {
    private static Tensor load(String name) throws IOException {
        try (InputStream in = TrainingGoldenTest.class.getResourceAsStream("/training/" + name + ".npy")) {
            assertNotNull(in, "golden file " + name);
            return Npy.read(in, name);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ops.Provider.class, names = {"VECTOR", "SCALAR"})
    void adamTrajectoryMatchesPyTorch(Ops.Provider provider) throws IOException {
        try (Ops ops = Ops.builder().provider(provider).threads(2).build();
             Model model = Model.create(FcnSegmenter.builder().inChannels(1).width(4).depth(1).build(), 0);
             Optimizer adam = Adam.builder().kernels(provider).build();
             Trainer<Tensor> trainer = Trainer.builder(model, Objectives.binarySegmentation(
                     BinaryCrossEntropy.builder().provider(provider).build()), adam).ops(ops).learningRate(1e-2).build();
             Tensor xs = load("x"); Tensor ys = load("y"); Tensor losses = load("losses")) {
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                try (Tensor p = load("param_" + e.getKey())) {
                    model.value(e.getValue()).copyFrom(p);
                }
            }
            int steps = xs.dim(0);
            for (int s = 0; s < steps; s++) {
                Tensor x = xs.slice(s, s + 1).reshape(4, 1, 16, 16);
                Tensor y = ys.slice(s, s + 1).reshape(4, 1, 16, 16);
                double loss = trainer.step(x, y).loss();
                assertEquals(losses.getFlat(s), loss, 2e-5, provider + " loss of step " + s);
            }
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                try (Tensor expected = load("final_" + e.getKey())) {
                    Tensor actual = model.value(e.getValue());
                    for (long i = 0; i < expected.size(); i++) {
                        float want = expected.getFlat(i);
                        assertTrue(Math.abs(want - actual.getFlat(i)) <= 1e-4 + 1e-3 * Math.abs(want),
                                provider + " final " + e.getKey() + "[" + i + "]: " + actual.getFlat(i) + " vs " + want);
                    }
                }
            }
        }
    }
}
