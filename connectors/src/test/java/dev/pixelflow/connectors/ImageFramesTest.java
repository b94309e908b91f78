package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ImageFramesTest {

    static byte[] write(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    static BufferedImage gray(int h, int w, SplittableRandom rnd, byte[] pixelsOut) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        rnd.nextBytes(pixelsOut);
        img.getRaster().setDataElements(0, 0, w, h, pixelsOut);
        return img;
    }

    @Test
    void grayPngBecomesOneChannelWithExactValues() throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int[] hw : new int[][] {{1, 1}, {5, 7}, {48, 64}}) {
            byte[] px = new byte[hw[0] * hw[1]];
            byte[] png = write(gray(hw[0], hw[1], rnd, px), "png");
            Frame f = ImageFrames.fromImage(png, Map.of(), FrameLimits.DEFAULT);
            assertEquals(DType.U8, f.dtype());
            assertEquals(1, f.channels());
            assertEquals(hw[0], f.height());
            assertEquals(hw[1], f.width());
            assertArrayEquals(px, f.payload());
            assertNull(f.label());
            assertEquals(0L, f.sequence());
        }
    }

    @Test
    void sixteenBitGreyKeepsItsHighByteAndOneBitGreyScalesTo255() throws IOException {
        BufferedImage g16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        g16.getRaster().setSample(2, 1, 0, 0xABCD);
        Frame f = ImageFrames.fromImage(write(g16, "png"), Map.of(), FrameLimits.DEFAULT);
        assertEquals(1, f.channels());
        assertEquals((byte) 0xAB, f.payload()[5]);
        BufferedImage bin = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY);
        bin.getRaster().setSample(1, 0, 0, 1);
        Frame b = ImageFrames.fromImage(write(bin, "png"), Map.of(), FrameLimits.DEFAULT);
        assertEquals(1, b.channels());
        assertArrayEquals(new byte[] {0, (byte) 255, 0, 0}, b.payload());
        // A one-channel limit accepts it: the header check counts a grey palette as one channel.
        FrameLimits oneChannel = new FrameLimits(16, 16, 1, 256);
        assertEquals(b, ImageFrames.fromImage(write(bin, "png"), Map.of(), oneChannel));
    }

    @Test
    void aPaletteMaskPngGivesItsIndexesAsClassIds() throws IOException {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] bl = new byte[16];
        for (int i = 0; i < 16; i++) {
            r[i] = (byte) (i * 16);
            g[i] = (byte) (255 - i * 16);
            bl[i] = (byte) (i * 7);
        }
        java.awt.image.IndexColorModel cm = new java.awt.image.IndexColorModel(8, 16, r, g, bl);
        BufferedImage pal = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_INDEXED, cm);
        byte[] classes = new byte[20];
        for (int i = 0; i < 20; i++) {
            classes[i] = (byte) (i % 16);
        }
        pal.getRaster().setDataElements(0, 0, 5, 4, classes);
        byte[] png = write(gray(4, 5, new SplittableRandom(19), new byte[20]), "png");
        Frame f = ImageFrames.fromImage(png, Map.of(FrameHeaders.MASK, write(pal, "png")), FrameLimits.DEFAULT);
        assertArrayEquals(classes, f.mask());
        // As an image, a palette PNG is a colour frame.
        Frame c = ImageFrames.fromImage(write(pal, "png"), Map.of(), FrameLimits.DEFAULT);
        assertEquals(3, c.channels());
        assertEquals((byte) (3 * 16), c.payload()[3]);
    }

    @Test
    void rgbAndArgbPngBecomeThreePlanesWithAlphaDropped() throws IOException {
        SplittableRandom rnd = new SplittableRandom(12);
        int h = 6;
        int w = 9;
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage img = new BufferedImage(w, h, type);
            int[] argb = new int[h * w];
            for (int i = 0; i < argb.length; i++) {
                argb[i] = 0xFF000000 | rnd.nextInt(1 << 24);
                img.setRGB(i % w, i / w, argb[i]);
            }
            Frame f = ImageFrames.fromImage(write(img, "png"), Map.of(), FrameLimits.DEFAULT);
            assertEquals(3, f.channels());
            byte[] p = f.payload();
            for (int i = 0; i < argb.length; i++) {
                assertEquals((byte) (argb[i] >>> 16), p[i], "red " + i);
                assertEquals((byte) (argb[i] >>> 8), p[h * w + i], "green " + i);
                assertEquals((byte) argb[i], p[2 * h * w + i], "blue " + i);
            }
        }
    }

    @Test
    void jpegGrayAndColourDecodeToTheRightShapeAndRoughlyTheRightValues() throws IOException {
        BufferedImage g = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage c = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                g.getRaster().setSample(x, y, 0, 100);
                c.setRGB(x, y, 0x20C080);
            }
        }
        Frame fg = ImageFrames.fromImage(write(g, "jpeg"), Map.of(), FrameLimits.DEFAULT);
        assertEquals(1, fg.channels());
        assertEquals(8, fg.height());
        assertEquals(16, fg.width());
        assertEquals(100 / 255f, fg.value(0, 3, 5), 3 / 255f);
        Frame fc = ImageFrames.fromImage(write(c, "jpeg"), Map.of(), FrameLimits.DEFAULT);
        assertEquals(3, fc.channels());
        assertEquals(0x20 / 255f, fc.value(0, 4, 4), 6 / 255f);
        assertEquals(0xC0 / 255f, fc.value(1, 4, 4), 6 / 255f);
        assertEquals(0x80 / 255f, fc.value(2, 4, 4), 6 / 255f);
    }

    @Test
    void labelSequenceTimestampAndMaskComeFromHeaders() throws IOException {
        SplittableRandom rnd = new SplittableRandom(13);
        byte[] px = new byte[4 * 5];
        byte[] png = write(gray(4, 5, rnd, px), "png");
        byte[] classes = new byte[20];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = (byte) (i % 3 == 0 ? 0 : i * 12);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(FrameHeaders.LABEL, "-17".getBytes(StandardCharsets.UTF_8));
        headers.add(FrameHeaders.SEQUENCE, "99".getBytes(StandardCharsets.UTF_8));
        headers.add(FrameHeaders.TIMESTAMP, "1764460800000".getBytes(StandardCharsets.UTF_8));
        headers.add(FrameHeaders.MASK, MaskEncoding.PNG.encode(classes, 4, 5));
        Frame f = ImageFrames.fromImage(png, headers, FrameLimits.DEFAULT);
        assertEquals(-17, f.label());
        assertEquals(99L, f.sequence());
        assertEquals(1_764_460_800_000L, f.timestampMillis());
        assertArrayEquals(classes, f.mask());
        assertArrayEquals(px, f.payload());
        // The same through the map overload, and the frame survives the v1 codec.
        Map<String, byte[]> map = new HashMap<>();
        headers.forEach(h -> map.put(h.key(), h.value()));
        Frame g = ImageFrames.fromImage(png, map, FrameLimits.DEFAULT);
        assertEquals(f, g);
        assertEquals(f, FrameCodec.decode(FrameCodec.encode(f), FrameLimits.DEFAULT));
    }

    @Test
    void badHeadersAreRejectedByName() throws IOException {
        byte[] png = write(gray(4, 5, new SplittableRandom(14), new byte[20]), "png");
        FrameDecodeException l = assertThrows(FrameDecodeException.class,
                () -> ImageFrames.fromImage(png, Map.of(FrameHeaders.LABEL, "seven".getBytes(StandardCharsets.UTF_8)),
                        FrameLimits.DEFAULT));
        assertTrue(l.getMessage().contains(FrameHeaders.LABEL) && l.getMessage().contains("seven"), l.getMessage());
        assertThrows(FrameDecodeException.class, () -> ImageFrames.fromImage(png,
                Map.of(FrameHeaders.LABEL, "3000000000".getBytes(StandardCharsets.UTF_8)), FrameLimits.DEFAULT));
        byte[] wrongSize = MaskEncoding.PNG.encode(new byte[6], 2, 3);
        FrameDecodeException m = assertThrows(FrameDecodeException.class,
                () -> ImageFrames.fromImage(png, Map.of(FrameHeaders.MASK, wrongSize), FrameLimits.DEFAULT));
        assertTrue(m.getMessage().contains("2x3") && m.getMessage().contains("4x5"), m.getMessage());
        assertThrows(FrameDecodeException.class, () -> ImageFrames.fromImage(png,
                Map.of(FrameHeaders.MASK, new byte[] {1, 2, 3}), FrameLimits.DEFAULT));
    }

    @Test
    void imagesOverTheLimitsAreRejectedFromTheHeader() throws IOException {
        byte[] png = write(gray(32, 40, new SplittableRandom(15), new byte[32 * 40]), "png");
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> ImageFrames.fromImage(png, Map.of(), new FrameLimits(16, 64, 4, 1 << 20)));
        assertTrue(e.getMessage().contains("32x40"), e.getMessage());
        assertThrows(FrameTooLargeException.class,
                () -> ImageFrames.fromImage(png, Map.of(), new FrameLimits(64, 64, 4, 1000)));
    }

    @Test
    void aPngHeaderClaimingAHugeImageIsRejectedBeforeDecoding() throws IOException {
        byte[] png = write(gray(2, 2, new SplittableRandom(16), new byte[4]), "png");
        // IHDR: 8-byte signature, length (4), "IHDR" (4), width (4, big-endian), height (4), ..., CRC over type+data.
        byte[] bad = png.clone();
        putIntBe(bad, 16, 100_000);
        putIntBe(bad, 20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(bad, 12, 4 + 13);
        putIntBe(bad, 12 + 4 + 13, (int) crc.getValue());
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> ImageFrames.fromImage(bad, Map.of(), FrameLimits.DEFAULT));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        // Huge but within generous limits would need 10 GB: still refused by the byte limit before decoding.
        FrameLimits wide = new FrameLimits(200_000, 200_000, 4, 1L << 30);
        assertThrows(FrameTooLargeException.class, () -> ImageFrames.fromImage(bad, Map.of(), wide));
        // The same trick in the mask header.
        byte[] good = write(gray(2, 2, new SplittableRandom(17), new byte[4]), "png");
        assertThrows(FrameTooLargeException.class,
                () -> ImageFrames.fromImage(good, Map.of(FrameHeaders.MASK, bad), FrameLimits.DEFAULT));
    }

    @Test
    void damagedImagesGiveADecodeErrorOrAFrameOfTheDeclaredSizeNeverAnythingElse() throws IOException {
        SplittableRandom rnd = new SplittableRandom(18);
        byte[] png = write(gray(12, 10, rnd, new byte[120]), "png");
        BufferedImage c = new BufferedImage(10, 12, BufferedImage.TYPE_INT_RGB);
        byte[] jpg = write(c, "jpeg");
        for (byte[] img : new byte[][] {png, jpg}) {
            for (int n = 1; n < img.length; n += 1 + n / 16) {
                check(Arrays.copyOf(img, n));
            }
            for (int t = 0; t < 300; t++) {
                byte[] bad = img.clone();
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    int at = 8 + rnd.nextInt(bad.length - 8);
                    bad[at] ^= (byte) (1 + rnd.nextInt(255));
                }
                check(bad);
            }
        }
    }

    private static void check(byte[] data) {
        try {
            Frame f = ImageFrames.fromImage(data, Map.of(), FrameLimits.DEFAULT);
            assertTrue(f.height() >= 1 && f.width() >= 1);
        } catch (FrameDecodeException expected) {
            assertTrue(expected.getMessage() != null);
        }
    }

    private static void putIntBe(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
