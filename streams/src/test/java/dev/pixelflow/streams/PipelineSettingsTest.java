package dev.pixelflow.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {
    private static PipelineSettings parse(String overrides) {
        return PipelineSettings.fromConfig(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference()).resolve());
    }

    private static String error(String overrides) {
        return assertThrows(IllegalArgumentException.class, () -> parse(overrides)).getMessage();
    }

    @Test
    void referenceDefaults() {
        PipelineSettings s = parse("");
        assertEquals("frames", s.inputTopic());
        assertEquals(48, s.height());
        assertEquals(PipelineSettings.Normalization.ZSCORE, s.normalization());
        assertEquals(8, s.segmentation().batchSize());
        assertEquals(4, s.embedding().identitiesPerBatch());
        assertEquals(PipelineSettings.MaskFormat.RAW, s.inference().maskFormat());
        assertNull(s.checkpoints().dir(), "no checkpoints unless a folder is set");
        assertEquals(Duration.ofSeconds(5), s.metricsWindow());
    }

    @Test
    void overridesAndPerModelCheckpointFolders() {
        PipelineSettings s = parse("pixelflow.pipeline { checkpoint.dir = \"/data/ckpt\", normalization = min-max,"
                + " inference.mask-encoding = png }");
        assertEquals(Path.of("/data/ckpt/segmentation"), s.checkpoints().dir("segmentation"));
        assertEquals(PipelineSettings.Normalization.MINMAX, s.normalization());
        assertEquals(PipelineSettings.MaskFormat.PNG, s.inference().maskFormat());
    }

    @Test
    void badValuesNameTheirPath() {
        assertTrue(error("pixelflow.pipeline.frame.height = 30").contains("frame.height/width must be multiples of 2^"
                + "segmentation.depth = 4, got 30x48"));
        assertTrue(error("pixelflow.pipeline.embedding.frames-per-identity = 1")
                .contains("pixelflow.pipeline.embedding.frames-per-identity must be >= 2"));
        assertTrue(error("pixelflow.pipeline.normalization = sigmoid")
                .contains("pixelflow.pipeline.normalization must be one of [zscore, minmax, online-zscore, none], got sigmoid"));
        assertTrue(error("pixelflow.pipeline.input-topic = \"\"").contains("input-topic must not be empty"));
        assertTrue(error("pixelflow.pipeline.segmentation.batch-wait = 0s").contains("batch-wait must be a positive"));
        assertTrue(error("pixelflow.pipeline.embedding.holdout-every = 1").contains("holdout-every must be 0"));
    }
}
