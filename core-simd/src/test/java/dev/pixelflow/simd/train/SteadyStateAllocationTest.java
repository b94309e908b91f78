package dev.pixelflow.simd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.loss.BinaryCrossEntropy;
import dev.pixelflow.simd.models.FcnSegmenter;
import dev.pixelflow.simd.nn.Model;
import dev.pixelflow.simd.optim.Adam;
import dev.pixelflow.simd.optim.Optimizer;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A training step in steady state allocates no native memory, and its heap allocation is a small constant per
 * step (argument checks, metrics, the step result, one task object per parallel loop) that does not grow with the
 * number of frames in the batch: no per-frame garbage.
 */
class SteadyStateAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void noNativeGrowthAndNoPerFrameGarbage() {
        heapBytesPerStep(4);
        heapBytesPerStep(2);
        heapBytesPerStep(16);
        heapBytesPerStep(2); // JIT warm-up of the whole step, so both measurements see compiled code
        long small = heapBytesPerStep(2);
        long large = heapBytesPerStep(16);
        assertTrue(small < 64 * 1024, "per-step heap allocation with batch 2: " + small + " bytes");
        assertTrue(large < small + 8 * 1024, "heap allocation grows with the batch: batch 2 " + small
                + " B/step, batch 16 " + large + " B/step");
    }

    private static long heapBytesPerStep(int batch) {
        try (Ops ops = Ops.builder().threads(2).build();
             Model model = Model.create(FcnSegmenter.builder().inChannels(1).width(4).depth(2).build(), 3);
             Optimizer adam = Adam.builder().build();
             Trainer<Tensor> trainer = Trainer.builder(model,
                     Objectives.binarySegmentation(BinaryCrossEntropy.builder().threads(2).build()), adam)
                     .ops(ops).build();
             Tensor x = Tensor.zeros(batch, 1, 16, 16);
             Tensor y = Tensor.zeros(batch, 1, 16, 16)) {
            TrainerTest.brightSquares(x, y, new SplittableRandom(5));
            for (int i = 0; i < 600; i++) { // warm up: JIT compilation, workspace and optimizer state growth
                trainer.step(x, y);
            }
            long native0 = trainer.nativeAllocations();
            int steps = 30;
            long before = THREADS.getTotalThreadAllocatedBytes();
            for (int i = 0; i < steps; i++) {
                trainer.step(x, y);
            }
            long bytes = THREADS.getTotalThreadAllocatedBytes() - before;
            assertEquals(native0, trainer.nativeAllocations(), "workspace grew in steady state");
            System.out.printf("batch %d: %d heap bytes per training step%n", batch, bytes / steps);
            return bytes / steps;
        }
    }
}
