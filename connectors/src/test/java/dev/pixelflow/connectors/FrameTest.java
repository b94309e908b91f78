package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Tensor;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void u8FramesFillTensorsWithValueOver255() {
        Frame f = TestFrames.goldenU8LabelMask();
        try (Tensor t = Tensor.zeros(3, 2, 4)) {
            f.copyInto(t);
            byte[] p = f.payload();
            for (int i = 0; i < p.length; i++) {
                assertEquals((p[i] & 0xFF) / 255f, t.getFlat(i));
            }
            assertEquals(f.value(2, 1, 3), t.get(2, 1, 3));
        }
    }

    @Test
    void f32FramesCopyExactlyIntoOneSampleOfABatch() {
        Frame f = TestFrames.goldenF32Plain();
        try (Tensor batch = Tensor.zeros(3, 2, 3, 2)) {
            f.copyInto(batch.slice(1, 2));
            float[] all = batch.toArray();
            float[] expected = {0f, -0f, 1f, -1.5f, 3.25f, 1e-7f, 1e30f, -2.75f, 0.1f, 255f, Float.MIN_VALUE, -1e-30f};
            for (int i = 0; i < 12; i++) {
                assertEquals(0f, all[i]);
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(all[12 + i]));
                assertEquals(0f, all[24 + i]);
            }
        }
    }

    @Test
    void masksFillAOneChannelTensorWithClassIds() {
        Frame f = TestFrames.goldenU8LabelMask();
        try (Tensor m = Tensor.zeros(1, 2, 4)) {
            f.copyMaskInto(m);
            assertArrayEquals(new float[] {0, 1, 2, 3, 1, 1, 0, 255}, m.toArray());
        }
        try (Tensor m = Tensor.zeros(1, 1)) {
            assertThrows(IllegalStateException.class, () -> TestFrames.goldenF32Plain().copyMaskInto(m));
        }
    }

    @Test
    void wrongTensorShapesAreRejectedWithBothShapes() {
        Frame f = TestFrames.goldenU8LabelMask();
        try (Tensor t = Tensor.zeros(3, 4, 2); Tensor batch = Tensor.zeros(2, 3, 2, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.copyInto(t));
            assertTrue(e.getMessage().contains("[3, 2, 4]") && e.getMessage().contains("[3, 4, 2]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.copyInto(batch));
            assertThrows(IllegalArgumentException.class, () -> f.copyMaskInto(t));
        }
    }

    @Test
    void framesAreImmutableAndValidated() {
        byte[] payload = {1, 2, 3, 4};
        byte[] mask = {0, 1, 0, 1};
        Frame f = new Frame(DType.U8, 1, 2, 2, 5, 6, 9, mask, payload);
        payload[0] = 100;
        mask[0] = 7;
        f.payload()[1] = 100;
        assertArrayEquals(new byte[] {1, 2, 3, 4}, f.payload());
        assertArrayEquals(new byte[] {0, 1, 0, 1}, f.mask());
        assertNotEquals(f, new Frame(DType.U8, 1, 2, 2, 5, 6, null, new byte[] {0, 1, 0, 1}, new byte[] {1, 2, 3, 4}));
        assertThrows(IllegalArgumentException.class, () -> new Frame(DType.F32, 1, 2, 2, 0, 0, null, null, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> new Frame(DType.U8, 1, 2, 2, 0, 0, null, new byte[3], new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> new Frame(DType.U8, 0, 2, 2, 0, 0, null, null, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new Frame(DType.U8, 65_536, 1, 1, 0, 0, null, null, new byte[65_536]));
    }
}
