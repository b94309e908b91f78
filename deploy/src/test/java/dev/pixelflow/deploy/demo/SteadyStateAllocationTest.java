package dev.pixelflow.deploy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A training step in steady state allocates no native memory, and its heap allocation is a small constant
 * per step (argument checks, one task object per parallel loop) that does not grow with the number of
 * frames in the batch: no per-frame garbage.
 */
class SteadyStateAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void noNativeGrowthAndNoPerFrameGarbage() {
        heapBytesPerStep(4); // JIT warm-up of the whole step, so both measurements see compiled code
        long small = heapBytesPerStep(2);
        long large = heapBytesPerStep(16);
        assertTrue(small < 32 * 1024, "per-step heap allocation with batch 2: " + small + " bytes");
        assertTrue(large < small + 8 * 1024, "heap allocation grows with the batch: batch 2 " + small
                + " B/step, batch 16 " + large + " B/step");
    }

    private static long heapBytesPerStep(int batch) {
        try (Ops ops = Ops.builder().threads(2).build();
             TinySegmenter model = new TinySegmenter(ops, 8, 3L);
             Tensor x = Tensor.zeros(batch, 1, 16, 16);
             Tensor y = Tensor.zeros(batch, 1, 16, 16)) {
            new SyntheticFrames(16, 5L).next(x, y);
            for (int i = 0; i < 1500; i++) { // warm up: JIT compilation, scratch growth
                model.trainStep(x, y, 0.1f, 0.9f);
            }
            long native0 = model.workspace().nativeAllocations();
            int steps = 30;
            long before = THREADS.getTotalThreadAllocatedBytes();
            for (int i = 0; i < steps; i++) {
                model.trainStep(x, y, 0.1f, 0.9f);
            }
            long bytes = THREADS.getTotalThreadAllocatedBytes() - before;
            assertEquals(native0, model.workspace().nativeAllocations(), "workspace grew in steady state");
            System.out.printf("batch %d: %d heap bytes per training step%n", batch, bytes / steps);
            return bytes / steps;
        }
    }
}
