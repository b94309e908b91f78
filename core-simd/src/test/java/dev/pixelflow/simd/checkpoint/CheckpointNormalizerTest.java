package dev.pixelflow.simd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.norm.NormScope;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.simd.norm.Normalizer;
import dev.pixelflow.simd.norm.NormalizerSpec;
import dev.pixelflow.simd.norm.WelfordStats;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Normalizer statistics and online Welford states survive a checkpoint file exactly. */
class CheckpointNormalizerTest {
    private static Tensor batch(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(3, 2, 5, 7);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) (r.nextGaussian() * 3 + 10));
        }
        return t;
    }

    @Test
    void statisticsAndOnlineStateRoundTrip(@TempDir Path dir) throws Exception {
        NormalizerSpec spec = NormalizerSpec.zScore(NormScope.DATASET);
        try (Tensor a = batch(1); Tensor b = batch(2)) {
            NormStats fitted = Normalizer.fit(spec, a, b).statistics(a);
            WelfordStats online = new WelfordStats(2).update(a).update(b);
            Path file = CheckpointFiles.path(dir, 7);
            CheckpointFiles.write(file, Checkpoint.builder(7).normalizer("input", fitted).welford("input", online)
                    .build());
            Checkpoint read = CheckpointFiles.read(file);
            assertEquals(fitted, read.normStats("input", spec));
            WelfordStats back = read.welford("input");
            assertEquals(online.count(), back.count());
            assertArrayEquals(online.means(), back.means());
            assertArrayEquals(online.m2(), back.m2());
            // The restored state keeps accumulating like the original.
            try (Tensor c = batch(3)) {
                online.update(c);
                back.update(c);
            }
            assertArrayEquals(online.means(), back.means());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read.normStats("target", spec));
            assertTrue(e.getMessage().contains("normalizer.input.shift"), e.getMessage());
        }
    }
}
