package dev.pixelflow.simd.internal.vector;

/**
 * Per-thread {@code int[]} scratch for the tap-offset tables of the convolution kernels ({@code Scratch}
 * only holds floats). Grows monotonically, so a training loop allocates nothing once its shapes are known.
 * The array is built by the calling thread and only read by the pool's workers during the same call.
 */
final class ConvScratch {
    private static final ThreadLocal<int[][]> LOCAL = ThreadLocal.withInitial(() -> new int[1][]);

    private ConvScratch() {
    }

    /** This thread's table, at least {@code minLength} long; contents unspecified. */
    static int[] ints(int minLength) {
        int[][] holder = LOCAL.get();
        int[] a = holder[0];
        if (a == null || a.length < minLength) {
            int size = Integer.highestOneBit(Math.max(minLength, 64) - 1) << 1;
            a = new int[size < minLength ? minLength : size];
            holder[0] = a;
        }
        return a;
    }
}
