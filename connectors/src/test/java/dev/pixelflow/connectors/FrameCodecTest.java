package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void roundTripsRandomFramesOverDtypesSizesAndOptionalFields() {
        SplittableRandom rnd = new SplittableRandom(20261130L);
        int[] seen = new int[8];
        for (int i = 0; i < 600; i++) {
            Frame f = TestFrames.random(rnd);
            byte[] bytes = FrameCodec.encode(f);
            assertEquals(FrameCodec.encodedLength(f), bytes.length);
            Frame back = FrameCodec.decode(bytes, FrameLimits.DEFAULT);
            assertEquals(f, back, "frame " + i);
            assertArrayEquals(bytes, FrameCodec.encode(back));
            seen[(f.dtype().ordinal() << 2) | (f.hasLabel() ? 2 : 0) | (f.hasMask() ? 1 : 0)]++;
        }
        for (int k = 0; k < seen.length; k++) {
            assertTrue(seen[k] > 0, "combination " + k + " never generated");
        }
    }

    @Test
    void roundTripsTheSmallestAndLargestTestedShapes() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (DType d : DType.values()) {
            for (int c = 1; c <= 4; c++) {
                for (int[] hw : new int[][] {{1, 1}, {1, 48}, {64, 1}, {64, 48}, {7, 13}}) {
                    for (int opt = 0; opt < 4; opt++) {
                        Frame f = TestFrames.random(rnd, d, c, hw[0], hw[1], (opt & 1) != 0, (opt & 2) != 0);
                        assertEquals(f, FrameCodec.decode(FrameCodec.encode(f), FrameLimits.DEFAULT));
                    }
                }
            }
        }
    }

    @Test
    void headerFieldsSitAtTheDocumentedOffsets() {
        byte[] b = FrameCodec.encode(TestFrames.goldenU8LabelMask());
        assertEquals("5058465201000300", HexFormat.of().formatHex(b, 0, 8)); // magic, v1, U8, label|mask, reserved
        assertEquals("0300" + "02000000" + "04000000", HexFormat.of().formatHex(b, 8, 18));
        assertEquals("cb04fb711f010000", HexFormat.of().formatHex(b, 18, 26)); // 1234567890123
        assertEquals("00280fd29a010000", HexFormat.of().formatHex(b, 26, 34)); // 1764460800000
        assertEquals("2a000000" + "18000000", HexFormat.of().formatHex(b, 34, 42)); // label 42, payload 24
        assertEquals("08000000", HexFormat.of().formatHex(b, 42 + 24, 42 + 28)); // mask length 8
        assertEquals(42 + 24 + 4 + 8 + 4, b.length);
    }

    @Test
    void theOneByOneGoldenFrameIsTheDocumentedExample() {
        // Also spelled out in connectors/docs/wire-format.md.
        String expected = "50584652" + "01" + "00" + "02" + "00" + "0100" + "01000000" + "01000000"
                + "0000000000000000" + "0000000000000000" + "01000000" + "c8" + "01000000" + "03";
        byte[] b = FrameCodec.encode(TestFrames.golden1x1());
        assertEquals(expected, HexFormat.of().formatHex(b, 0, b.length - 4));
    }

    @Test
    void goldenFilesDecodeToTheExpectedFramesAndTheWriterReproducesThem() throws IOException {
        check("v1-u8-label-mask.bin", TestFrames.goldenU8LabelMask());
        check("v1-f32-plain.bin", TestFrames.goldenF32Plain());
        check("v1-1x1.bin", TestFrames.golden1x1());
    }

    @Test
    void goldenFieldValuesAreTheDocumentedOnes() throws IOException {
        Frame a = FrameCodec.decode(golden("v1-u8-label-mask.bin"), FrameLimits.DEFAULT);
        assertEquals(DType.U8, a.dtype());
        assertEquals(3, a.channels());
        assertEquals(2, a.height());
        assertEquals(4, a.width());
        assertEquals(1_234_567_890_123L, a.sequence());
        assertEquals(1_764_460_800_000L, a.timestampMillis());
        assertEquals(42, a.label());
        assertArrayEquals(new byte[] {0, 1, 2, 3, 1, 1, 0, (byte) 255}, a.mask());
        assertEquals((byte) (23 * 11 + 1), a.payload()[23]);

        Frame b = FrameCodec.decode(golden("v1-f32-plain.bin"), FrameLimits.DEFAULT);
        assertEquals(DType.F32, b.dtype());
        assertEquals(2, b.channels());
        assertEquals(3, b.height());
        assertEquals(2, b.width());
        assertEquals(-1L, b.sequence());
        assertEquals(0L, b.timestampMillis());
        assertNull(b.label());
        assertFalse(b.hasMask());
        assertEquals(-1.5f, b.value(0, 1, 1));
        assertEquals(Float.MIN_VALUE, b.value(1, 2, 0));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(b.value(0, 0, 1)));

        Frame c = FrameCodec.decode(golden("v1-1x1.bin"), FrameLimits.DEFAULT);
        assertEquals(1, c.channels() * c.height() * c.width());
        assertEquals(200 / 255f, c.value(0, 0, 0));
        assertArrayEquals(new byte[] {3}, c.mask());
        assertNull(c.label());
    }

    private static void check(String name, Frame expected) throws IOException {
        byte[] encoded = FrameCodec.encode(expected);
        String dir = System.getProperty("pixelflow.golden.write");
        if (dir != null) { // regenerate: -Dpixelflow.golden.write=connectors/src/test/resources/wire
            Files.write(Path.of(dir, name), encoded);
        }
        byte[] golden = golden(name);
        assertArrayEquals(golden, encoded, name + ": writer output differs from the golden file");
        assertEquals(expected, FrameCodec.decode(golden, FrameLimits.DEFAULT), name);
    }

    static byte[] golden(String name) throws IOException {
        String dir = System.getProperty("pixelflow.golden.write");
        if (dir != null) {
            return Files.readAllBytes(Path.of(dir, name));
        }
        try (InputStream in = FrameCodecTest.class.getResourceAsStream("/wire/" + name)) {
            if (in == null) {
                throw new IOException("missing golden file /wire/" + name);
            }
            return in.readAllBytes();
        }
    }
}
