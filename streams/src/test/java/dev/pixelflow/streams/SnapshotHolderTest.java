package dev.pixelflow.streams;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import dev.pixelflow.simd.Ops;
import org.junit.jupiter.api.Test;

class SnapshotHolderTest {

    @Test
    void aFixedHolderServesItsSnapshotUntilANewerOneIsPublished() {
        PipelineSettings s = PipelineSettings.fromConfig(ConfigFactory.parseString(
                        "pixelflow.pipeline.frame { channels = 1, height = 16, width = 16 }")
                .withFallback(ConfigFactory.load()));
        try (Ops ops = Ops.builder().threads(1).build(); SegmentationModel model = new SegmentationModel(s, ops, 1)) {
            PublishedSnapshot first = new PublishedSnapshot(model.name(), model.snapshot(), 1L, null);
            SnapshotHolder h = SnapshotHolder.of(first);
            assertSame(first, h.latest());
            PublishedSnapshot second = new PublishedSnapshot(model.name(), model.snapshot(), 2L, null);
            h.publish(second);
            assertSame(second, h.latest());
        }
        assertNull(new SnapshotHolder().latest());
        assertThrows(NullPointerException.class, () -> SnapshotHolder.of(null));
    }
}
