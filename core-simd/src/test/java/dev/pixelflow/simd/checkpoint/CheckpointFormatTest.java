package dev.pixelflow.simd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class CheckpointFormatTest {

    static byte[] encode(Checkpoint c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFormat.write(c, out);
        return out.toByteArray();
    }

    private static CorruptCheckpointException corrupt(byte[] data) {
        return assertThrows(CorruptCheckpointException.class, () -> CheckpointFormat.read(data, "test.pxck"));
    }

    @Test
    void roundTripsEverything() throws IOException {
        Checkpoint c = CheckpointGoldenTest.expected();
        Checkpoint back = CheckpointFormat.read(encode(c), "mem");
        assertEquals(c, back);
        Checkpoint empty = Checkpoint.builder(0).build();
        assertEquals(empty, CheckpointFormat.read(encode(empty), "mem"));
        float[] nan = {Float.NaN, Float.intBitsToFloat(0x7fc00123), Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        Checkpoint odd = Checkpoint.builder(Long.MAX_VALUE).parameter("p", new int[] {4}, nan)
                .optimizerState("sgd", 0, Map.of()).build();
        Checkpoint oddBack = CheckpointFormat.read(encode(odd), "mem");
        assertEquals(odd, oddBack);
        assertEquals(0x7fc00123, Float.floatToRawIntBits(oddBack.parameterValues("p")[1]), "NaN payload kept");
    }

    @Test
    void everyTruncationIsCorrupt() throws IOException {
        byte[] full = encode(CheckpointGoldenTest.expected());
        for (int len = 0; len < full.length; len++) {
            CorruptCheckpointException e = corrupt(Arrays.copyOf(full, len));
            assertTrue(e.getMessage().contains("test.pxck"), e.getMessage());
        }
        byte[] longer = Arrays.copyOf(full, full.length + 1);
        corrupt(longer);
    }

    @Test
    void everySingleByteChangeIsCorrupt() throws IOException {
        byte[] full = encode(CheckpointGoldenTest.expected());
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < full.length; i++) {
            byte[] bad = full.clone();
            bad[i] ^= (byte) (1 + r.nextInt(255));
            corrupt(bad);
        }
        for (int trial = 0; trial < 200; trial++) {
            byte[] bad = full.clone();
            int flips = 1 + r.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            }
            if (!Arrays.equals(bad, full)) {
                corrupt(bad);
            }
        }
    }

    @Test
    void namesTheProblem() throws IOException {
        byte[] full = encode(CheckpointGoldenTest.expected());
        byte[] magic = full.clone();
        magic[1] = 'Q';
        assertTrue(corrupt(magic).getMessage().contains("magic"));
        byte[] version = full.clone();
        version[8] = 2;
        String m = corrupt(version).getMessage();
        assertTrue(m.contains("unsupported format version 2") && m.contains("test.pxck"), m);
        assertTrue(corrupt(Arrays.copyOf(full, full.length - 3)).getMessage().contains("checksum"));
        assertTrue(corrupt(new byte[3]).getMessage().contains("too short"));
    }

    /** A file with valid checksums but a huge count must fail without allocating it. */
    @Test
    void lyingCountsWithValidChecksumsAreRejectedBeforeAllocation() throws IOException {
        byte[] full = encode(CheckpointGoldenTest.expected());
        ByteBuffer b = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN);
        // first section META at 24: tag(4) length(8) body: u32 count
        int metaBody = 24 + 12;
        long metaLength = b.getLong(28);
        int parm = (int) (metaBody + metaLength + 4);
        int parmBody = parm + 12;
        String[] cases = {"count", "rank", "dim", "string"};
        for (String c : cases) {
            byte[] bad = full.clone();
            ByteBuffer w = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
            switch (c) {
                case "count" -> w.putInt(parmBody, 0x7FFFFFFF);
                case "string" -> w.putInt(parmBody + 4, 0x7FFFFFF0);
                case "rank" -> w.putInt(parmBody + 4 + 4 + 8, 1000);
                default -> w.putInt(parmBody + 4 + 4 + 8 + 4, 0x40000000);
            }
            reseal(bad);
            String m = corrupt(bad).getMessage();
            assertTrue(m.contains("section PARM"), c + ": " + m);
        }
        byte[] bad = full.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(28, Long.MAX_VALUE);
        reseal(bad);
        assertTrue(corrupt(bad).getMessage().contains("claims"));
    }

    /** Recomputes every section CRC (lengths as stored, where sane) and the file CRC. */
    static void reseal(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int at = 24;
        while (at + 12 <= data.length - 8) {
            long len = b.getLong(at + 4);
            if (len < 0 || len > data.length || at + 12 + len + 4 > data.length - 8) {
                break;
            }
            CRC32C c = new CRC32C();
            c.update(data, at + 12, (int) len);
            b.putInt(at + 12 + (int) len, (int) c.getValue());
            at += 12 + (int) len + 4;
        }
        CRC32C f = new CRC32C();
        f.update(data, 0, data.length - 4);
        b.putInt(data.length - 4, (int) f.getValue());
    }
}
