package dev.pixelflow.simd.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Activation;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.LayerChecks;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Pass;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {
    private static final Ops OPS = Ops.builder().threads(1).build();

    @Test
    void segmenterShapesParametersAndNames() {
        FcnSegmenter seg = FcnSegmenter.builder().build();
        assertArrayEquals(new int[] {2, 1, 128, 96}, seg.outputShape(new int[] {2, 3, 128, 96}));
        try (Model m = Model.create(seg, 1)) {
            assertEquals(118_273, m.parameterCount());
            assertTrue(m.namedParameters().containsKey("net.down0.0.weight"), m.namedParameters().keySet()::toString);
            assertTrue(m.namedParameters().containsKey("net.head.bias"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FcnSegmenter.builder().depth(3).build().outputShape(new int[] {1, 3, 100, 64}));
        assertTrue(e.getMessage().contains("divisible by 8") && e.getMessage().contains("[1, 3, 100, 64]"),
                e.getMessage());
        assertArrayEquals(new int[] {1, 4, 16, 16},
                FcnSegmenter.builder().inChannels(1).classes(4).groupNorm(4).build().outputShape(new int[] {1, 1, 16, 16}));
        assertThrows(IllegalArgumentException.class, () -> FcnSegmenter.builder().width(6).groupNorm(4).build());
    }

    @Test
    void embeddingNetGivesUnitVectors() {
        EmbeddingNet net = EmbeddingNet.builder().inChannels(1).widths(3, 4).dimension(5).build();
        assertArrayEquals(new int[] {3, 5}, net.outputShape(new int[] {3, 1, 8, 12}));
        try (Model m = Model.create(EmbeddingNet.builder().build(), 2); Pass p = m.newPass(OPS);
             Tensor x = LayerChecks.random(new int[] {4, 3, 32, 32}, new SplittableRandom(3), 1f)) {
            Tensor y = p.predict(x);
            assertArrayEquals(new int[] {4, 128}, y.shape());
            for (int i = 0; i < 4; i++) {
                double ss = 0;
                for (int j = 0; j < 128; j++) {
                    ss += y.get(i, j) * y.get(i, j);
                }
                assertEquals(1.0, ss, 1e-5, "row " + i + " has unit norm");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> net.outputShape(new int[] {1, 1, 2, 8}));
    }

    @Test
    void autoencoderKeepsTheShape() {
        DenoisingAutoencoder ae = DenoisingAutoencoder.builder().width(2).build();
        assertArrayEquals(new int[] {2, 1, 8, 12}, ae.outputShape(new int[] {2, 1, 8, 12}));
        assertThrows(IllegalArgumentException.class, () -> ae.outputShape(new int[] {2, 1, 6, 8}));
    }

    @Test
    /** Tanh MLPs are smooth, so finite differences are exact enough; the conv architectures have PyTorch goldens. */
    void mlpWithAndWithoutRbfHasGradients() {
        LayerChecks.checkGradients(Mlp.builder(2, 3).hidden(5, 4).activation(Activation.TANH).build(),
                new int[] {6, 2}, 15);
        LayerChecks.checkGradients(Mlp.builder(2, 2).rbf(7, 0.5).hidden(3).activation(Activation.TANH).build(),
                new int[] {5, 2}, 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Mlp.builder(2, 2).build().outputShape(new int[] {4, 3}));
        assertTrue(e.getMessage().contains("[B, 2]"), e.getMessage());
    }
}
