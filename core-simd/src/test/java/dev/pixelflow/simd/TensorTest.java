package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void zerosHasShapeSizeAndZeroContents() {
        try (Tensor t = Tensor.zeros(2, 3, 4, 5)) {
            assertArrayEquals(new int[] {2, 3, 4, 5}, t.shape());
            assertEquals(120, t.size());
            assertEquals(4, t.rank());
            assertEquals(5, t.dim(-1));
            assertEquals(120 * 4, t.segment().byteSize());
            for (float v : t.toArray()) {
                assertEquals(0f, v);
            }
            assertTrue(t.ownsMemory());
        }
    }

    @Test
    void indexingIsRowMajor() {
        try (Tensor t = Tensor.zeros(2, 3, 4)) {
            t.set(7f, 1, 2, 3);
            assertEquals(7f, t.getFlat(1 * 12 + 2 * 4 + 3));
            assertEquals(7f, t.get(1, 2, 3));
        }
    }

    @Test
    void ofCopiesValuesAndChecksCount() {
        try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)) {
            assertEquals(6f, t.get(1, 2));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void viewsShareMemoryAndNeverFreeIt() {
        try (Tensor t = Tensor.zeros(4, 2, 3)) {
            Tensor r = t.reshape(8, 3);
            Tensor s = t.slice(1, 3);
            assertFalse(r.ownsMemory());
            assertArrayEquals(new int[] {2, 2, 3}, s.shape());
            s.set(5f, 0, 1, 2);
            assertEquals(5f, t.get(1, 1, 2));
            assertEquals(5f, r.get(3, 2));
            r.close();
            s.close();
            assertTrue(t.isAlive());
            assertEquals(5f, t.get(1, 1, 2));
        }
    }

    @Test
    void useAfterCloseFailsClearly() {
        Tensor t = Tensor.zeros(3, 5);
        Tensor view = t.slice(0, 1);
        t.close();
        t.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.get(0, 0));
        assertTrue(e.getMessage().contains("[3, 5]"), e.getMessage());
        IllegalStateException v = assertThrows(IllegalStateException.class, view::toArray);
        assertTrue(v.getMessage().contains("view"), v.getMessage());
        assertFalse(t.isAlive());
        assertTrue(t.toString().contains("closed"));
    }

    @Test
    void badShapesAndIndicesAreRejectedWithTheShape() {
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertTrue(neg.getMessage().contains("[2, -1]"), neg.getMessage());
        try (Tensor t = Tensor.zeros(2, 3)) {
            IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
            assertTrue(r.getMessage().contains("[2, 3]") && r.getMessage().contains("[4, 2]"), r.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
            assertThrows(IllegalArgumentException.class, () -> t.get(1));
            assertThrows(IllegalArgumentException.class, () -> t.slice(1, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> t.getFlat(6));
            assertThrows(IllegalArgumentException.class, () -> t.dim(2));
        }
        assertThrows(ArithmeticException.class, () -> Tensor.zeros(Integer.MAX_VALUE, Integer.MAX_VALUE, 8));
    }

    @Test
    void emptyTensorsAreAllowed() {
        try (Tensor t = Tensor.zeros(0, 3)) {
            assertEquals(0, t.size());
            assertEquals(0, t.toArray().length);
            assertEquals(0, t.slice(0, 0).size());
        }
    }

    @Test
    void wrapRejectsHeapAndShortSegments() {
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(java.lang.foreign.MemorySegment.ofArray(new float[4]), 4));
        try (Tensor t = Tensor.zeros(4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(t.segment(), 5));
            assertTrue(e.getMessage().contains("[5]"), e.getMessage());
            Tensor w = Tensor.wrap(t.segment(), 2, 2);
            w.set(3f, 1, 1);
            assertEquals(3f, t.getFlat(3));
        }
    }

    @Test
    void copyAndFill() {
        try (Tensor a = Tensor.zeros(2, 2); Tensor b = Tensor.zeros(4)) {
            a.fill(1.5f);
            b.copyFrom(a);
            assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f, 1.5f}, b.toArray());
            assertThrows(IllegalArgumentException.class, () -> b.copyFrom(new float[3]));
        }
    }
}
