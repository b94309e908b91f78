package dev.pixelflow.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.simd.train.StepResult;
import dev.pixelflow.streams.data.MixedFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnlineModelsTest {
    private static PipelineSettings settings(String normalization) {
        return PipelineSettings.fromConfig(ConfigFactory.parseString("pixelflow.pipeline { normalization = "
                + normalization + ", frame { channels = 1, height = 16, width = 16 } }")
                .withFallback(ConfigFactory.defaultReference()).resolve());
    }

    private static List<Frame> frames(MixedFrames gen, MixedFrames.Kind kind, int n) {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f.add(gen.next(kind, i));
        }
        return f;
    }

    @Test
    void onlineStatisticsTravelWithCheckpointsAndSnapshots() {
        PipelineSettings s = settings("online-zscore");
        Ops ops = Ops.builder().threads(1).build();
        try (MixedFrames gen = new MixedFrames(16, 3, 5);
             SegmentationModel a = new SegmentationModel(s, ops, 1)) {
            assertNull(a.inputStats(), "no statistics before data");
            for (int i = 0; i < 3; i++) {
                StepResult r = a.train(frames(gen, MixedFrames.Kind.SEGMENTATION_LABELLED, 8));
                assertTrue(r.applied() && Double.isFinite(r.loss()), r.toString());
            }
            NormStats stats = a.inputStats();
            assertNotNull(stats);
            // Pixel units are [0, 1]: the clutter's mean lies well inside, its spread is positive.
            assertTrue(stats.shift(0) > 0.1 && stats.shift(0) < 0.9 && stats.scale(0) > 0.01, stats.toString());
            Checkpoint c = a.checkpoint(Map.of("offsets", "{frames-0=24}"));
            assertTrue(c.arrayNames().contains("welford.input.count"), c.arrayNames().toString());
            try (SegmentationModel b = new SegmentationModel(s, ops, 99)) {
                b.restore(c);
                assertEquals(3, b.steps(), "the step counter continues");
                assertEquals(stats, b.inputStats());
                assertArrayEquals(a.snapshot().values().toArray(), b.snapshot().values().toArray());
                assertEquals(a.posWeight(), b.posWeight());
            }
        } finally {
            ops.close();
        }
    }

    @Test
    void perImageNormalizationKeepsNoState() {
        PipelineSettings s = settings("zscore");
        Ops ops = Ops.builder().threads(1).build();
        try (MixedFrames gen = new MixedFrames(16, 3, 5);
             EmbeddingModel m = new EmbeddingModel(s, ops, 1)) {
            List<Frame> batch = new ArrayList<>();
            for (int i = 0; batch.size() < 16; i++) {
                batch.add(gen.next(MixedFrames.Kind.IDENTITY_LABELLED, i));
            }
            assertTrue(Double.isFinite(m.train(batch).loss()));
            assertNull(m.inputStats());
            assertTrue(m.checkpoint(Map.of()).arrayNames().stream().noneMatch(n -> n.startsWith("welford.")));
        } finally {
            ops.close();
        }
    }
}
