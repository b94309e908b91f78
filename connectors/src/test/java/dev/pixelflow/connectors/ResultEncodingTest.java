package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class ResultEncodingTest {

    @Test
    void metricsJsonKeepsOrderEscapesStringsAndNullsNonFiniteNumbers() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", 120);
        m.put("loss", 0.0831);
        m.put("iou", 0.75f);
        m.put("big", 12_345_678_901L);
        m.put("nan", Double.NaN);
        m.put("inf", Float.NEGATIVE_INFINITY);
        m.put("model", "seg \"v3\"\\\n\t\u0001é");
        m.put("ok", true);
        m.put("none", null);
        assertEquals("{\"step\":120,\"loss\":0.0831,\"iou\":0.75,\"big\":12345678901,\"nan\":null,\"inf\":null,"
                + "\"model\":\"seg \\\"v3\\\"\\\\\\n\\t\\u0001é\",\"ok\":true,\"none\":null}", MetricsJson.toJson(m));
        assertArrayEquals(MetricsJson.toJson(m).getBytes(StandardCharsets.UTF_8), MetricsJson.encode(m));
        assertEquals("{}", MetricsJson.toJson(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> MetricsJson.toJson(Map.of("x", new int[1])));
    }

    @Test
    void masksEncodeRawOrAsAGreyPngWithTheClassIdsAsPixelValues() throws IOException {
        SplittableRandom rnd = new SplittableRandom(31);
        byte[] classes = new byte[7 * 5];
        rnd.nextBytes(classes);
        assertArrayEquals(classes, MaskEncoding.RAW.encode(classes, 7, 5));
        byte[] png = MaskEncoding.PNG.encode(classes, 7, 5);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(5, img.getWidth());
        assertEquals(7, img.getHeight());
        for (int i = 0; i < classes.length; i++) {
            assertEquals(classes[i] & 0xFF, img.getRaster().getSample(i % 5, i / 5, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> MaskEncoding.RAW.encode(classes, 5, 5));
    }

    @Test
    void embeddingsAreLittleEndianFloat32() {
        float[] e = {1f, -2.5f, 0f, Float.MIN_VALUE};
        byte[] b = EmbeddingEncoding.encode(e);
        assertEquals("0000803f" + "000020c0" + "00000000" + "01000000", HexFormat.of().formatHex(b));
        assertArrayEquals(e, EmbeddingEncoding.decode(b));
        assertThrows(FrameDecodeException.class, () -> EmbeddingEncoding.decode(new byte[5]));
    }

    @Test
    void outputHeadersCarryModelVersionAndSource() {
        Headers h = FrameHeaders.output("seg-17", "frames", 3, 123_456_789_012L);
        assertEquals("seg-17", FrameHeaders.text(h, "pixelflow.model-version"));
        assertEquals("frames", FrameHeaders.text(h, "pixelflow.source-topic"));
        assertEquals("3", FrameHeaders.text(h, "pixelflow.source-partition"));
        assertEquals("123456789012", FrameHeaders.text(h, "pixelflow.source-offset"));
        FrameHeaders.shape(h, 48, 64);
        FrameHeaders.shape(h, 128);
        assertEquals("128", FrameHeaders.text(h, FrameHeaders.SHAPE));
        assertEquals(5, h.toArray().length);
        assertThrows(IllegalArgumentException.class, () -> FrameHeaders.output("", "frames", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameHeaders.output("v", "frames", 0, -1));
    }
}
