package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Damaged records always give a {@link FrameDecodeException}: never an OutOfMemoryError (sizes are checked
 * before allocating), never another exception type, and never a frame (the checksum catches the rest).
 */
class FrameCodecCorruptionTest {
    private static final FrameLimits HUGE = new FrameLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, 0xFFFF, Long.MAX_VALUE);

    private static void rejected(byte[] data, FrameLimits limits, String what) {
        FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> FrameCodec.decode(data, limits), what);
        assertTrue(e instanceof SerializationException);
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what);
    }

    @Test
    void everyTruncationIsRejected() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (Frame f : new Frame[] {TestFrames.goldenU8LabelMask(), TestFrames.goldenF32Plain(), TestFrames.golden1x1(),
                TestFrames.random(rnd, DType.F32, 2, 5, 3, true, true)}) {
            byte[] full = FrameCodec.encode(f);
            for (int n = 0; n < full.length; n++) {
                byte[] prefix = Arrays.copyOf(full, n);
                rejected(prefix, FrameLimits.DEFAULT, "prefix of " + n + " bytes of " + f);
                rejected(prefix, HUGE, "prefix of " + n + " bytes of " + f);
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] full = FrameCodec.encode(TestFrames.goldenU8LabelMask());
        for (int extra = 1; extra <= 9; extra++) {
            rejected(Arrays.copyOf(full, full.length + extra), FrameLimits.DEFAULT, extra + " trailing bytes");
        }
    }

    @Test
    void everySingleByteChangeIsRejected() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (Frame f : new Frame[] {TestFrames.goldenU8LabelMask(), TestFrames.goldenF32Plain(), TestFrames.golden1x1()}) {
            byte[] full = FrameCodec.encode(f);
            for (int at = 0; at < full.length; at++) {
                for (int k = 0; k < 8; k++) {
                    byte[] bad = full.clone();
                    int flip = k < 8 && rnd.nextBoolean() ? 1 << k : 1 + rnd.nextInt(255);
                    bad[at] ^= (byte) flip;
                    rejected(bad, FrameLimits.DEFAULT, "byte " + at + " xor " + flip);
                    rejected(bad, HUGE, "byte " + at + " xor " + flip);
                }
            }
        }
    }

    @Test
    void randomMultiByteDamageIsRejected() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 4000; trial++) {
            Frame f = TestFrames.random(rnd, rnd.nextBoolean() ? DType.U8 : DType.F32, 1 + rnd.nextInt(4),
                    1 + rnd.nextInt(9), 1 + rnd.nextInt(9), rnd.nextBoolean(), rnd.nextBoolean());
            byte[] bad = FrameCodec.encode(f);
            int flips = 2 + rnd.nextInt(7);
            boolean changed = false;
            for (int i = 0; i < flips; i++) {
                int at = rnd.nextInt(bad.length);
                int x = 1 + rnd.nextInt(255);
                bad[at] ^= (byte) x;
            }
            changed = !Arrays.equals(bad, FrameCodec.encode(f));
            if (changed) {
                rejected(bad, rnd.nextBoolean() ? FrameLimits.DEFAULT : HUGE, "trial " + trial);
            }
        }
    }

    @Test
    void lyingSizeFieldsWithAValidChecksumAreRejectedWithoutAllocating() {
        byte[] full = FrameCodec.encode(TestFrames.goldenU8LabelMask());
        int[][] lies = {
            // {offset, size in bytes, value}
            {8, 2, 0xFFFF}, {8, 2, 0}, {8, 2, 4},                          // channels
            {10, 4, -1}, {10, 4, Integer.MAX_VALUE}, {10, 4, 0}, {10, 4, 3}, // height
            {14, 4, -1}, {14, 4, 1 << 30}, {14, 4, 0}, {14, 4, 5},           // width
            {38, 4, -1}, {38, 4, Integer.MAX_VALUE}, {38, 4, 0}, {38, 4, 23}, {38, 4, 25}, // payload length
            {66, 4, -1}, {66, 4, 0}, {66, 4, 7}, {66, 4, 9},                 // mask length
            {6, 1, 0}, {6, 1, 1}, {6, 1, 2}, {6, 1, 4}, {5, 1, 1}, {5, 1, 7}, {4, 1, 2}, {7, 1, 1}, // flags, dtype, version
        };
        for (int[] lie : lies) {
            byte[] bad = full.clone();
            for (int i = 0; i < lie[1]; i++) {
                bad[lie[0] + i] = (byte) (lie[2] >>> (8 * i));
            }
            TestFrames.withValidCrc(bad);
            String what = "field at " + lie[0] + " set to " + Integer.toUnsignedString(lie[2]);
            rejected(bad, FrameLimits.DEFAULT, what);
            rejected(bad, HUGE, what);
        }
    }

    @Test
    void hugeDeclaredGeometryIsRejectedByTheLimitsFirst() {
        byte[] bad = FrameCodec.encode(TestFrames.golden1x1());
        bad[8] = (byte) 0xFF; // channels 65535
        bad[9] = (byte) 0xFF;
        TestFrames.putIntLe(bad, 10, -1); // height 2^32-1
        TestFrames.putIntLe(bad, 14, -1); // width 2^32-1
        TestFrames.withValidCrc(bad);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
                () -> FrameCodec.decode(bad, FrameLimits.DEFAULT));
        assertTrue(e.getMessage().contains("4294967295x4294967295"), e.getMessage());
        // Within the limits (up to 64 KiB) but not within the record: "truncated", not an allocation.
        byte[] lie = FrameCodec.encode(TestFrames.golden1x1());
        TestFrames.putIntLe(lie, 10, 128);
        TestFrames.putIntLe(lie, 14, 128);
        TestFrames.putIntLe(lie, 34, 128 * 128);
        TestFrames.withValidCrc(lie);
        FrameDecodeException t = assertThrows(FrameDecodeException.class, () -> FrameCodec.decode(lie, FrameLimits.DEFAULT));
        assertTrue(t.getMessage().startsWith("truncated"), t.getMessage());
    }

    @Test
    void errorMessagesNameTheField() {
        byte[] full = FrameCodec.encode(TestFrames.goldenU8LabelMask());
        byte[] v = full.clone();
        v[4] = 9;
        assertTrue(assertThrows(FrameDecodeException.class, () -> FrameCodec.decode(v, FrameLimits.DEFAULT))
                .getMessage().contains("version 9"));
        byte[] p = full.clone();
        TestFrames.putIntLe(p, 38, 25);
        TestFrames.withValidCrc(p);
        assertTrue(assertThrows(FrameDecodeException.class, () -> FrameCodec.decode(p, FrameLimits.DEFAULT))
                .getMessage().contains("payload length field says 25"));
        byte[] c = full.clone();
        c[50] ^= 1;
        assertTrue(assertThrows(FrameDecodeException.class, () -> FrameCodec.decode(c, FrameLimits.DEFAULT))
                .getMessage().contains("checksum"));
        byte[] m = full.clone();
        m[0] = 'Q';
        assertTrue(assertThrows(FrameDecodeException.class, () -> FrameCodec.decode(m, FrameLimits.DEFAULT))
                .getMessage().contains("magic"));
        FrameLimits small = new FrameLimits(3, 3, 3, 1000);
        assertTrue(assertThrows(FrameTooLargeException.class, () -> FrameCodec.decode(full, small))
                .getMessage().contains("2x4"));
    }
}
