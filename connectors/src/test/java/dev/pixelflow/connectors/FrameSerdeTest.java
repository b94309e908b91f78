package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class FrameSerdeTest {

    @Test
    void nullInNullOut() {
        try (FrameSerializer s = new FrameSerializer(); FrameDeserializer d = new FrameDeserializer()) {
            assertNull(s.serialize("frames", null));
            assertNull(s.serialize("frames", new RecordHeaders(), null));
            assertNull(d.deserialize("frames", null));
            assertNull(d.deserialize("frames", new RecordHeaders(), (byte[]) null));
            assertNull(d.deserialize("frames", new RecordHeaders(), (java.nio.ByteBuffer) null));
        }
    }

    @Test
    void serializerAndDeserializerRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(21);
        try (FrameSerializer s = new FrameSerializer(); FrameDeserializer d = new FrameDeserializer()) {
            for (int i = 0; i < 100; i++) {
                Frame f = TestFrames.random(rnd);
                assertEquals(f, d.deserialize("frames", s.serialize("frames", f)));
                assertEquals(f, d.deserialize("frames", new RecordHeaders(), s.serialize("frames", f)));
                assertEquals(f, d.deserialize("frames", new RecordHeaders(),
                        java.nio.ByteBuffer.wrap(s.serialize("frames", f))));
            }
        }
    }

    @Test
    void deserializerReadsImagesWithHeaders() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(1, 1, 0, 77);
        RecordHeaders h = new RecordHeaders();
        h.add(FrameHeaders.LABEL, "5".getBytes(StandardCharsets.UTF_8));
        try (FrameDeserializer d = new FrameDeserializer()) {
            Frame f = d.deserialize("frames", h, ImageFramesTest.write(img, "png"));
            assertEquals(5, f.label());
            assertEquals(77 / 255f, f.value(0, 1, 1));
            Frame j = d.deserialize("frames", ImageFramesTest.write(img, "jpeg"));
            assertEquals(2, j.height());
            assertNull(j.label());
        }
    }

    @Test
    void unknownAndCorruptRecordsThrowSerializationExceptions() {
        try (FrameDeserializer d = new FrameDeserializer()) {
            SerializationException e = assertThrows(SerializationException.class,
                    () -> d.deserialize("frames", "hello world".getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains("unknown record format") && e.getMessage().contains("68656c6c"),
                    e.getMessage());
            assertThrows(FrameDecodeException.class, () -> d.deserialize("frames", new byte[0]));
            assertThrows(FrameDecodeException.class, () -> d.deserialize("frames", new byte[] {'P', 'X', 'F', 'R'}));
        }
    }

    @Test
    void configureReadsTheLimits() {
        try (FrameDeserializer d = new FrameDeserializer()) {
            assertEquals(FrameLimits.DEFAULT, d.limits());
            d.configure(Map.of(FrameDeserializer.MAX_WIDTH, "3", FrameDeserializer.MAX_HEIGHT, 100,
                    FrameDeserializer.MAX_BYTES, 10_000L), false);
            assertEquals(new FrameLimits(3, 100, FrameLimits.DEFAULT.maxChannels(), 10_000), d.limits());
            byte[] wide = FrameCodec.encode(TestFrames.goldenU8LabelMask()); // 2x4 pixels
            assertThrows(FrameTooLargeException.class, () -> d.deserialize("frames", wide));
            d.configure(Map.of(), false);
            assertEquals(FrameLimits.DEFAULT, d.limits());
            assertEquals(TestFrames.goldenU8LabelMask(), d.deserialize("frames", wide));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> d.configure(Map.of(FrameDeserializer.MAX_CHANNELS, "many"), false));
            assertTrue(bad.getMessage().contains(FrameDeserializer.MAX_CHANNELS), bad.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> d.configure(Map.of(FrameDeserializer.MAX_WIDTH, 0), false));
        }
    }
}
