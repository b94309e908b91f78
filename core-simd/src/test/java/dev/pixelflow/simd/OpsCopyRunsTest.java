package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Ops#copyRuns}: strided runs land where the definition says, with 1 and 2 threads; bad runs are rejected. */
class OpsCopyRunsTest {

    @Test
    void copiesStridedRunsLikeTheDefinition() {
        SplittableRandom rnd = new SplittableRandom(3);
        // Small (one thread does it) and large enough to be split over the threads.
        int[][] cases = {{3, 7, 5, 2}, {16, 2, 5000, 3}, {1, 1, 1, 0}, {13, 3, 4099, 1}};
        for (int[] c : cases) {
            int runs = c[0];
            int len = c[1] * c[2];
            int srcStride = len + c[3];
            int dstStride = len + 2 * c[3] + 1;
            float[] src = new float[runs * srcStride + 5];
            for (int i = 0; i < src.length; i++) {
                src[i] = (float) rnd.nextDouble();
            }
            int dstLen = 7 + runs * dstStride;
            float[] expected = new float[dstLen];
            java.util.Arrays.fill(expected, -1f);
            for (int r = 0; r < runs; r++) {
                System.arraycopy(src, 5 + r * srcStride, expected, 7 + r * dstStride, len);
            }
            for (int threads = 1; threads <= 2; threads++) {
                try (Ops ops = Ops.builder().threads(threads).build(); Tensor s = Tensor.of(src, src.length);
                     Tensor d = Tensor.zeros(dstLen).fill(-1f)) {
                    ops.copyRuns(s, 5, srcStride, d, 7, dstStride, runs, len);
                    assertArrayEquals(expected, d.toArray());
                }
            }
        }
    }

    @Test
    void runsOutsideATensorAreRejected() {
        try (Ops ops = Ops.builder().threads(2).build(); Tensor s = Tensor.zeros(2, 10); Tensor d = Tensor.zeros(2, 10)) {
            assertThrows(IllegalArgumentException.class, () -> ops.copyRuns(s, 0, 10, d, 0, 10, 2, 11));
            assertThrows(IllegalArgumentException.class, () -> ops.copyRuns(s, 1, 10, d, 0, 10, 2, 10));
            assertThrows(IllegalArgumentException.class, () -> ops.copyRuns(s, 0, 10, d, 0, 11, 2, 10));
            assertThrows(IllegalArgumentException.class, () -> ops.copyRuns(s, 0, 10, d, 0, 10, -1, 10));
            assertThrows(IllegalArgumentException.class, () -> ops.copyRuns(s, 0, 10, s, 0, 10, 1, 10));
        }
    }
}
