package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @Test
    void roundTripThroughAFile(@TempDir Path dir) throws IOException {
        float[] values = new float[2 * 3 * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25f - 3;
        }
        Path f = dir.resolve("t.npy");
        try (Tensor t = Tensor.of(values, 2, 3, 5)) {
            Npy.write(t, f);
        }
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(0, (bytes.length - values.length * 4) % 64, "header is padded to 64 bytes");
        try (Tensor back = Npy.read(f)) {
            assertArrayEquals(new int[] {2, 3, 5}, back.shape());
            assertArrayEquals(values, back.toArray());
        }
    }

    @Test
    void oneDimensionalAndScalarShapes() throws IOException {
        for (int[] shape : new int[][] {{7}, {}, {0, 4}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (Tensor t = Tensor.zeros(shape)) {
                Npy.write(t, out);
            }
            String header = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
            try (Tensor back = Npy.read(new ByteArrayInputStream(out.toByteArray()), "mem")) {
                assertArrayEquals(shape, back.shape(), header);
            }
        }
    }

    @Test
    void readsAFileWrittenByNumpy() throws IOException {
        // np.save of np.arange(6, dtype='<f4').reshape(2, 3): the exact bytes NumPy 1.x writes.
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        byte[] file = npy(header, 6);
        try (Tensor t = Npy.read(new ByteArrayInputStream(file), "numpy")) {
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, t.toArray());
        }
    }

    @Test
    void otherDtypesAndLayoutsAreRejectedByName() {
        IOException f8 = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(
                npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 4)), "x.npy"));
        assertTrue(f8.getMessage().contains("<f8") && f8.getMessage().contains("x.npy"), f8.getMessage());
        IOException be = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(
                npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 2)), "x.npy"));
        assertTrue(be.getMessage().contains(">f4"), be.getMessage());
        IOException fo = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(
                npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 4)), "x.npy"));
        assertTrue(fo.getMessage().contains("Fortran"), fo.getMessage());
        IOException trunc = assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream(
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100,), }", 3)), "x.npy"));
        assertTrue(trunc.getMessage().contains("truncated"), trunc.getMessage());
        assertThrows(IOException.class, () -> Npy.read(new ByteArrayInputStream("not numpy".getBytes()), "x"));
    }

    /** A version 1.0 .npy file with the given header and {@code floats} little-endian values 0, 1, 2, ... */
    private static byte[] npy(String dict, int floats) {
        int total = 10 + dict.length() + 1;
        String h = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < floats; i++) {
            b.putFloat(i);
        }
        return b.array();
    }
}
