package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkspaceTest {

    @Test
    void repeatedStepsStopAllocatingNativeMemory() {
        try (Workspace ws = new Workspace()) {
            long afterWarmup = -1;
            for (int step = 0; step < 50; step++) {
                ws.reset();
                // The shapes of a small training step, several of them larger than the first chunk.
                ws.take(16, 32, 64, 64);
                ws.takeZeroed(16, 32, 64, 64);
                ws.take(7, 13);
                ws.take(1);
                ws.take(16, 3, 128, 128);
                if (step == 1) {
                    afterWarmup = ws.nativeAllocations();
                }
            }
            assertEquals(afterWarmup, ws.nativeAllocations(), ws.toString());
            assertTrue(ws.reservedBytes() >= ws.highWaterBytes());
        }
    }

    @Test
    void takenTensorsAreAlignedDistinctViews() {
        try (Workspace ws = new Workspace(4096)) {
            Tensor a = ws.take(3);
            Tensor b = ws.take(5);
            a.fill(1f);
            b.fill(2f);
            assertEquals(1f, a.getFlat(2));
            assertEquals(0, a.segment().address() % 64);
            assertEquals(0, b.segment().address() % 64);
            assertTrue(!a.ownsMemory());
            Tensor z = ws.takeZeroed(3);
            assertEquals(0f, z.getFlat(0));
        }
    }

    @Test
    void closedWorkspaceFailsClearly() {
        Workspace ws = new Workspace();
        Tensor t = ws.take(4);
        ws.close();
        assertThrows(IllegalStateException.class, () -> ws.take(1));
        assertThrows(IllegalStateException.class, ws::reset);
        assertThrows(IllegalStateException.class, () -> t.getFlat(0));
        assertThrows(IllegalArgumentException.class, () -> new Workspace(-1));
    }
}
