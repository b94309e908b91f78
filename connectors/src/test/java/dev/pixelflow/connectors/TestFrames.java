package dev.pixelflow.connectors;

import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/** Random and fixed frames for the codec tests. */
final class TestFrames {
    private TestFrames() {
    }

    /** A random frame: dtype, channels 1..4, 1x1..64x48, label and mask each present or not. */
    static Frame random(SplittableRandom rnd) {
        DType dtype = rnd.nextBoolean() ? DType.U8 : DType.F32;
        int c = 1 + rnd.nextInt(4);
        int h = 1 + rnd.nextInt(64);
        int w = 1 + rnd.nextInt(48);
        return random(rnd, dtype, c, h, w, rnd.nextBoolean(), rnd.nextBoolean());
    }

    static Frame random(SplittableRandom rnd, DType dtype, int c, int h, int w, boolean label, boolean mask) {
        byte[] payload = new byte[c * h * w * dtype.bytesPerValue()];
        rnd.nextBytes(payload);
        byte[] m = null;
        if (mask) {
            m = new byte[h * w];
            rnd.nextBytes(m);
        }
        return new Frame(dtype, c, h, w, rnd.nextLong(), rnd.nextLong(), label ? rnd.nextInt() : null, m, payload);
    }

    /** Golden frame 1: U8, 3 channels, 2x4, label 42, mask. */
    static Frame goldenU8LabelMask() {
        byte[] payload = new byte[3 * 2 * 4];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 11 + 1);
        }
        byte[] mask = {0, 1, 2, 3, 1, 1, 0, (byte) 255};
        return new Frame(DType.U8, 3, 2, 4, 1_234_567_890_123L, 1_764_460_800_000L, 42, mask, payload);
    }

    /** Golden frame 2: F32, 2 channels, 3x2, no label, no mask, negative sequence. */
    static Frame goldenF32Plain() {
        float[] v = {0f, -0f, 1f, -1.5f, 3.25f, 1e-7f, 1e30f, -2.75f, 0.1f, 255f, Float.MIN_VALUE, -1e-30f};
        return Frame.ofFloats(2, 3, 2, v, -1L, 0L, null, null);
    }

    /** Golden frame 3: U8 1x1x1, mask only. */
    static Frame golden1x1() {
        return new Frame(DType.U8, 1, 1, 1, 0L, 0L, null, new byte[] {3}, new byte[] {(byte) 200});
    }

    /** Rewrites the trailing CRC32C so that a deliberately altered record passes the checksum. */
    static byte[] withValidCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length - 4);
        int v = (int) crc.getValue();
        int n = data.length;
        data[n - 4] = (byte) v;
        data[n - 3] = (byte) (v >>> 8);
        data[n - 2] = (byte) (v >>> 16);
        data[n - 1] = (byte) (v >>> 24);
        return data;
    }

    static void putIntLe(byte[] data, int at, int v) {
        data[at] = (byte) v;
        data[at + 1] = (byte) (v >>> 8);
        data[at + 2] = (byte) (v >>> 16);
        data[at + 3] = (byte) (v >>> 24);
    }
}
