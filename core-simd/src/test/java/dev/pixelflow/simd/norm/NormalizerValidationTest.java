package dev.pixelflow.simd.norm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class NormalizerValidationTest {

    private static void fails(Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) {
            assertTrue(ex.getMessage().contains(p), "message '" + ex.getMessage() + "' lacks '" + p + "'");
        }
    }

    @Test
    void shapeMismatchNamesShapes() {
        try (Tensor in = Tensor.zeros(2, 3, 4, 4); Tensor out = Tensor.zeros(2, 3, 4, 5); Tensor flat = Tensor.zeros(6)) {
            Normalizer n = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_CHANNEL));
            fails(() -> n.apply(in, out), "[2, 3, 4, 5]", "[2, 3, 4, 4]");
            fails(() -> n.apply(flat, flat), "[6]");
        }
    }

    @Test
    void quantileBounds() {
        fails(() -> NormalizerSpec.builder(NormMethod.QUANTILE).quantiles(-0.1, 0.9).build(), "-0.1");
        fails(() -> NormalizerSpec.builder(NormMethod.QUANTILE).quantiles(0.1, 1.5).build(), "1.5");
        fails(() -> NormalizerSpec.builder(NormMethod.QUANTILE).quantiles(0.6, 0.6).build(), "0.6");
        fails(() -> NormalizerSpec.builder(NormMethod.QUANTILE).quantiles(0.9, 0.1).build(), "0.9", "0.1");
        fails(() -> NormalizerSpec.builder(NormMethod.QUANTILE).quantiles(Double.NaN, 0.5).build(), "NaN");
    }

    @Test
    void badOptions() {
        fails(() -> NormalizerSpec.builder(NormMethod.Z_SCORE).eps(-1).build(), "-1");
        fails(() -> NormalizerSpec.builder(NormMethod.MIN_MAX).range(1, 1).build(), "[1.0, 1.0]");
        fails(() -> NormalizerSpec.builder(NormMethod.Z_SCORE).clip(true).build(), "clip");
        fails(() -> NormalizerSpec.builder(NormMethod.Z_SCORE).range(-1, 1).build(), "MIN_MAX");
        fails(() -> Normalizer.of(NormalizerSpec.zScore(NormScope.DATASET)), "fit");
        fails(() -> Normalizer.fit(NormalizerSpec.zScore(NormScope.PER_IMAGE)), "DATASET");
    }

    @Test
    void emptyTensors() {
        try (Tensor empty = Tensor.zeros(0, 3, 4, 4); Tensor empty2 = Tensor.zeros(2, 3, 0, 4)) {
            Normalizer n = Normalizer.of(NormalizerSpec.minMax(NormScope.PER_IMAGE));
            fails(() -> n.apply(empty, empty), "empty", "[0, 3, 4, 4]");
            fails(() -> n.apply(empty2, empty2), "empty", "[2, 3, 0, 4]");
            fails(() -> Normalizer.fit(NormalizerSpec.minMax(NormScope.DATASET)), "no tensors");
            fails(() -> new WelfordStats(3).update(empty), "empty");
        }
    }

    @Test
    void nanAndInfinityRejected() {
        for (NormMethod m : NormMethod.values()) {
            try (Tensor x = Tensor.zeros(1, 2, 2, 2); Tensor out = Tensor.zeros(1, 2, 2, 2)) {
                x.set(Float.NaN, 0, 1, 0, 1);
                Normalizer n = Normalizer.of(NormalizerSpec.builder(m).build());
                fails(() -> n.apply(x, out), "NaN", "index 5");
                x.set(Float.POSITIVE_INFINITY, 0, 1, 0, 1);
                fails(() -> n.apply(x, out), "Infinity");
                fails(() -> Normalizer.fit(NormalizerSpec.builder(m).scope(NormScope.DATASET).build(), x), "Infinity");
                fails(() -> new WelfordStats(2).update(x), "Infinity");
            }
        }
    }

    @Test
    void datasetStatsMustMatchChannels() {
        try (Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2); Tensor b = Tensor.zeros(1, 3, 2, 2)) {
            Normalizer n = Normalizer.fit(NormalizerSpec.zScore(NormScope.DATASET), a);
            fails(() -> n.apply(b, b), "2 groups", "[1, 3, 2, 2]");
            fails(() -> Normalizer.fit(NormalizerSpec.zScore(NormScope.DATASET), a, b), "[1, 3, 2, 2]", "2 channels");
        }
    }

    @Test
    void inverseBeforeApplyIsAnError() {
        try (Tensor x = Tensor.zeros(1, 1, 2, 2)) {
            Normalizer n = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_IMAGE));
            assertThrows(IllegalStateException.class, () -> n.inverse(x, x));
        }
    }

    @Test
    void perImageStatsDoNotFitAnotherBatchSize() {
        try (Tensor a = Tensor.zeros(2, 1, 2, 2); Tensor b = Tensor.zeros(3, 1, 2, 2)) {
            Normalizer n = Normalizer.of(NormalizerSpec.zScore(NormScope.PER_IMAGE));
            n.apply(a, a);
            fails(() -> n.inverse(b, b), "2 groups", "[3, 1, 2, 2]");
        }
    }
}
