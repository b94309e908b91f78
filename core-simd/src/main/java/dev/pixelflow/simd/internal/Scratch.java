package dev.pixelflow.simd.internal;

/**
 * Per-thread scratch arrays for kernels (packed GEMM panels, im2col blocks, partial sums). Each thread owns
 * its arrays; an array only grows (to the next power of two above the request), so once the shapes of a
 * training loop have been seen, kernels allocate nothing. Heap {@code float[]} on purpose: the Vector API
 * reads and writes them faster than native segments, and a kernel then sees one memory kind per call site.
 *
 * <p>Each user takes a fixed slot so that two arrays that are live at the same time never share one. A
 * caller must not hold an array across a call that may use the same slot on the same thread.
 */
public final class Scratch {
    /** Packed A panel of GEMM. */
    public static final int GEMM_A = 0;
    /** Packed B panel of GEMM. */
    public static final int GEMM_B = 1;
    /** A C tile or partial result of GEMM. */
    public static final int GEMM_C = 2;
    /** An im2col / col2im block of a convolution. */
    public static final int CONV_COLUMNS = 3;
    /** Packed or transformed convolution weights. */
    public static final int CONV_WEIGHTS = 4;
    /** Per-thread partial sums (weight and bias gradients). */
    public static final int CONV_PARTIAL = 5;
    /** Free for pooling, resizing and pointwise kernels. */
    public static final int POINTWISE = 6;
    /** Free for a second simultaneous array of any kernel family. */
    public static final int EXTRA = 7;
    /** Staged values and outputs of the loss kernels. */
    public static final int LOSS = 8;

    private static final int SLOTS = 9;
    private static final ThreadLocal<float[][]> LOCAL = ThreadLocal.withInitial(() -> new float[SLOTS][]);
    /** One int table per thread: the tap-offset tables of the convolution kernels. */
    private static final ThreadLocal<int[][]> INTS = ThreadLocal.withInitial(() -> new int[1][]);
    /** One long array per thread: the loss kernels' staging rows (see {@link #longs}). */
    private static final ThreadLocal<long[][]> LONGS = ThreadLocal.withInitial(() -> new long[1][]);

    private Scratch() {
    }

    /** This thread's array in {@code slot}, at least {@code minLength} long; contents unspecified. */
    public static float[] floats(int slot, int minLength) {
        float[][] slots = LOCAL.get();
        float[] a = slots[slot];
        if (a == null || a.length < minLength) {
            a = new float[grown(minLength)];
            slots[slot] = a;
        }
        return a;
    }

    /**
     * This thread's int table, at least {@code minLength} long; contents unspecified. Built by the calling
     * thread and only read by the pool's workers during the same call.
     */
    public static int[] ints(int minLength) {
        int[][] holder = INTS.get();
        int[] a = holder[0];
        if (a == null || a.length < minLength) {
            a = new int[grown(minLength)];
            holder[0] = a;
        }
        return a;
    }

    /**
     * This thread's long array, at least {@code minLength} long; contents unspecified. Vector kernels stage float
     * vectors here, reinterpreted as longs (free in registers): a store into a {@code float[]} may alias the
     * {@code float[]} payloads of the kernels' constant vectors, so after each such store C2 reloads every
     * constant from memory; a store into a {@code long[]} cannot alias them, and the constants stay in registers.
     */
    public static long[] longs(int minLength) {
        long[][] holder = LONGS.get();
        long[] a = holder[0];
        if (a == null || a.length < minLength) {
            a = new long[grown(minLength)];
            holder[0] = a;
        }
        return a;
    }

    /** The next power of two at or above the request (at least 64), or the request itself near the limit. */
    private static int grown(int minLength) {
        int size = Integer.highestOneBit(Math.max(minLength, 64) - 1) << 1;
        return size < minLength ? minLength : size;
    }
}
