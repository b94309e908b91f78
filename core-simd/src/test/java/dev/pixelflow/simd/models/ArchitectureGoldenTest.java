package dev.pixelflow.simd.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.pixelflow.simd.Npy;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.nn.Layer;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.nn.Parameter;
import dev.pixelflow.simd.nn.Pass;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The architectures against the same networks built in PyTorch (float64) by architecture_golden.py: output, input
 * gradient and every parameter gradient of {@code L = sum(y * r)}, with PyTorch's weights loaded by name.
 */
class ArchitectureGoldenTest {
    private static Tensor load(String name) throws IOException {
        try (InputStream in = ArchitectureGoldenTest.class.getResourceAsStream("/architectures/" + name + ".npy")) {
            assertNotNull(in, "golden file " + name);
            return Npy.read(in, name);
        }
    }

    private static Layer architecture(String c) {
        return switch (c) {
            case "seg" -> FcnSegmenter.builder().inChannels(1).classes(2).width(2).depth(2).build();
            case "seg_gn" -> FcnSegmenter.builder().inChannels(2).classes(1).width(2).depth(1).groupNorm(1).build();
            case "emb" -> EmbeddingNet.builder().inChannels(1).widths(3, 4).dimension(5).build();
            case "dae" -> DenoisingAutoencoder.builder().channels(1).width(2).build();
            default -> throw new IllegalArgumentException(c);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"seg", "seg_gn", "emb", "dae"})
    void matchesPyTorch(String c) throws IOException {
        for (Ops.Provider provider : Ops.Provider.values()) {
            if (provider == Ops.Provider.AUTO) {
                continue;
            }
            try (Ops ops = Ops.builder().provider(provider).threads(2).build();
                 Model m = Model.create(architecture(c), 0); Pass pass = m.newPass(ops);
                 Tensor x = load(c + "_x"); Tensor r = load(c + "_r")) {
                for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
                    try (Tensor p = load(c + "_param_" + e.getKey())) {
                        assertArrayEquals(p.shape(), e.getValue().shape(), e.getKey() + " shape");
                        m.value(e.getValue()).copyFrom(p);
                    }
                }
                Tensor y = pass.forward(x, true, 0);
                close(load(c + "_y"), y, c + " output (" + provider + ")");
                Tensor dx = pass.backwardToInput(r);
                close(load(c + "_dx"), dx, c + " input gradient (" + provider + ")");
                for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
                    close(load(c + "_grad_" + e.getKey()), m.gradient(e.getValue()),
                            c + " gradient of " + e.getKey() + " (" + provider + ")");
                }
            }
        }
    }

    /** Float32 computation against float64 PyTorch: relative to the tensor's largest magnitude. */
    private static void close(Tensor expected, Tensor actual, String what) {
        try (expected) {
            assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
            double max = 1e-3;
            for (long i = 0; i < expected.size(); i++) {
                max = Math.max(max, Math.abs(expected.getFlat(i)));
            }
            for (long i = 0; i < expected.size(); i++) {
                assertEquals(expected.getFlat(i), actual.getFlat(i), 2e-4 * max, what + " at flat index " + i);
            }
        }
    }
}
