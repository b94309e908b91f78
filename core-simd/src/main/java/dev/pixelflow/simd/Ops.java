package dev.pixelflow.simd;

import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.ConvGeometry;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import dev.pixelflow.simd.internal.PoolGeometry;
import dev.pixelflow.simd.internal.UpsampleGeometry;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The tensor operations: GEMM, convolutions, pooling, resizing, activations, elementwise ops, reductions
 * and distances. This facade checks every argument (shapes, sizes, overlapping outputs, freed tensors) and
 * throws {@link IllegalArgumentException} or {@link IllegalStateException} with the shapes in the message;
 * then it runs the kernels of the chosen provider (Vector API or scalar reference) on a fixed pool of
 * compute threads.
 *
 * <p>Outputs are passed in and overwritten; nothing is allocated per call, so a training loop that reuses
 * its tensors runs without garbage. {@link #defaults()} is shared by the whole JVM; {@link #builder()} makes
 * an instance with its own threads (close it when done).
 *
 * <p>Configuration: system property {@code pixelflow.simd} = {@code auto} (default), {@code vector} or
 * {@code scalar}; {@code pixelflow.threads} = the number of compute threads (default: all cores).
 */
public final class Ops implements AutoCloseable {

    /** Which kernel implementation to run. */
    public enum Provider {
        /** The Vector API kernels where the module is present, else scalar (see {@code pixelflow.simd}). */
        AUTO,
        /** The Vector API kernels; fails when {@code jdk.incubator.vector} is not in the JVM. */
        VECTOR,
        /** The scalar reference kernels. */
        SCALAR
    }

    private static final class Shared {
        static final Ops INSTANCE = new Ops(KernelProvider.get(), ComputePool.shared(defaultThreads()), false);
    }

    private final Kernels k;
    private final ComputePool pool;
    private final boolean ownsPool;

    private Ops(Kernels kernels, ComputePool pool, boolean ownsPool) {
        this.k = kernels;
        this.pool = pool;
        this.ownsPool = ownsPool;
    }

    /** The JVM-wide instance: provider from {@code pixelflow.simd}, threads from {@code pixelflow.threads}. */
    public static Ops defaults() {
        return Shared.INSTANCE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Threads from {@code pixelflow.threads}, else the number of available processors. */
    public static int defaultThreads() {
        String p = System.getProperty("pixelflow.threads");
        if (p == null || p.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(p.trim());
            if (t < 1) {
                throw new NumberFormatException();
            }
            return t;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property pixelflow.threads must be a positive integer, got '"
                    + p + "'");
        }
    }

    /** Name, SIMD species, lanes and FMA use of the kernels in use. */
    public String description() {
        return k.description();
    }

    public int threads() {
        return pool.threads();
    }

    /** Stops this instance's threads (not those of {@link #defaults()}). */
    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "Ops[" + k.description() + ", threads=" + pool.threads() + "]";
    }

    // ================================================================== GEMM

    /**
     * {@code c = alpha * op(a) * op(b) + beta * c} on 2-D tensors, where {@code op} transposes when asked:
     * {@code op(a)} is {@code [m, k]}, {@code op(b)} is {@code [k, n]}, {@code c} is {@code [m, n]}. With
     * {@code beta == 0} the old contents of c are ignored.
     */
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        rank(a, 2, "gemm a");
        rank(b, 2, "gemm b");
        rank(c, 2, "gemm c");
        int m = transA ? a.dim(1) : a.dim(0);
        int ka = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (ka != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ: op(a) is [" + m + ", " + ka + "] (a "
                    + a.shapeString() + (transA ? " transposed" : "") + "), op(b) is [" + kb + ", " + n + "] (b "
                    + b.shapeString() + (transB ? " transposed" : "") + ")");
        }
        if (c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("gemm: c is " + c.shapeString() + " but op(a)*op(b) is [" + m + ", " + n
                    + "]");
        }
        finite(alpha, "gemm alpha");
        finite(beta, "gemm beta");
        noOverlap(c, a, "gemm c", "a");
        noOverlap(c, b, "gemm c", "b");
        k.sgemm(pool, transA, transB, m, n, ka, alpha, a.segment(), 0, a.dim(1), b.segment(), 0, b.dim(1), beta,
                c.segment(), 0, n);
    }

    /** {@code c = a * b} for 2-D tensors. */
    public void matmul(Tensor a, Tensor b, Tensor c) {
        gemm(false, false, 1f, a, b, 0f, c);
    }

    // ================================================================== convolution

    /** The output shape {@code [n, out, oh, ow]} of {@link #conv2d} for input and weight shapes. */
    public static int[] conv2dOutputShape(int[] x, int[] w, Conv2dSpec spec) {
        ConvGeometry g = convGeometry(x, w, spec, "conv2d");
        return new int[] {g.n(), g.cout(), g.oh(), g.ow()};
    }

    /**
     * Convolution (cross-correlation, PyTorch {@code Conv2d}): x {@code [n, cin, h, w]}, weight
     * {@code [cout, cin/groups, kh, kw]}, optional bias {@code [cout]} (null: none), y {@code [n, cout, oh, ow]}
     * (see {@link Conv2dSpec} for the size formula).
     */
    public void conv2d(Tensor x, Tensor weight, @Nullable Tensor bias, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = convGeometry(x.shape(), weight.shape(), spec, "conv2d");
        expect(y, "conv2d output y", g.n(), g.cout(), g.oh(), g.ow());
        if (bias != null) {
            expect(bias, "conv2d bias", g.cout());
        }
        noOverlap(y, x, "conv2d y", "x");
        noOverlap(y, weight, "conv2d y", "weight");
        k.conv2dForward(pool, g, x.segment(), weight.segment(), bias == null ? null : bias.segment(), y.segment());
    }

    /** Gradient w.r.t. the input of {@link #conv2d}: dx {@code [n, cin, h, w]} from dy and the weight. */
    public void conv2dBackwardData(Tensor dy, Tensor weight, Conv2dSpec spec, Tensor dx) {
        ConvGeometry g = convGeometry(dx.shape(), weight.shape(), spec, "conv2dBackwardData");
        expect(dy, "conv2dBackwardData dy", g.n(), g.cout(), g.oh(), g.ow());
        noOverlap(dx, dy, "conv2dBackwardData dx", "dy");
        noOverlap(dx, weight, "conv2dBackwardData dx", "weight");
        k.conv2dBackwardData(pool, g, dy.segment(), weight.segment(), dx.segment());
    }

    /** Gradient w.r.t. the weight of {@link #conv2d}, summed over the batch: dw {@code [cout, cin/groups, kh, kw]}. */
    public void conv2dBackwardWeight(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw) {
        ConvGeometry g = convGeometry(x.shape(), dw.shape(), spec, "conv2dBackwardWeight");
        expect(dy, "conv2dBackwardWeight dy", g.n(), g.cout(), g.oh(), g.ow());
        noOverlap(dw, x, "conv2dBackwardWeight dw", "x");
        noOverlap(dw, dy, "conv2dBackwardWeight dw", "dy");
        k.conv2dBackwardWeight(pool, g, x.segment(), dy.segment(), dw.segment());
    }

    /** Gradient w.r.t. a per-channel bias: db[c] = sum of dy[:, c, :, :] (dy is {@code [n, c, h, w]}). */
    public void conv2dBackwardBias(Tensor dy, Tensor db) {
        rank(dy, 4, "bias gradient dy");
        expect(db, "bias gradient db", dy.dim(1));
        ConvGeometry g = new ConvGeometry(dy.dim(0), dy.dim(1), dy.dim(2), dy.dim(3), dy.dim(1), 1, 1, 1, 1, 0, 0, 1, 1,
                1, dy.dim(2), dy.dim(3));
        k.conv2dBackwardBias(pool, g, dy.segment(), db.segment());
    }

    /** The output shape of {@link #convTranspose2d}. */
    public static int[] convTranspose2dOutputShape(int[] x, int[] w, Conv2dSpec spec) {
        ConvGeometry g = transposedGeometry(x, w, spec, "convTranspose2d");
        return new int[] {g.n(), g.cin(), g.h(), g.w()};
    }

    /**
     * Transposed convolution (PyTorch {@code ConvTranspose2d}): x {@code [n, cin, h, w]}, weight
     * {@code [cin, cout/groups, kh, kw]}, optional bias {@code [cout]} (null: none), y {@code [n, cout, oh, ow]} with
     * {@code oh = (h-1)*stride - 2*pad + dilation*(kh-1) + outputPadding + 1}. It is the gradient of a
     * convolution with respect to its input, and is computed as such.
     */
    public void convTranspose2d(Tensor x, Tensor weight, @Nullable Tensor bias, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = transposedGeometry(x.shape(), weight.shape(), spec, "convTranspose2d");
        expect(y, "convTranspose2d output y", g.n(), g.cin(), g.h(), g.w());
        if (bias != null) {
            expect(bias, "convTranspose2d bias", g.cin());
        }
        noOverlap(y, x, "convTranspose2d y", "x");
        noOverlap(y, weight, "convTranspose2d y", "weight");
        k.conv2dBackwardData(pool, g, x.segment(), weight.segment(), y.segment());
        if (bias != null) {
            k.addChannelBias(y.segment(), bias.segment(), g.n(), g.cin(), g.h() * g.w());
        }
    }

    /** Gradient w.r.t. the input of {@link #convTranspose2d} (a plain convolution of dy). */
    public void convTranspose2dBackwardData(Tensor dy, Tensor weight, Conv2dSpec spec, Tensor dx) {
        ConvGeometry g = transposedGeometry(dx.shape(), weight.shape(), spec, "convTranspose2dBackwardData");
        expect(dy, "convTranspose2dBackwardData dy", g.n(), g.cin(), g.h(), g.w());
        noOverlap(dx, dy, "convTranspose2dBackwardData dx", "dy");
        k.conv2dForward(pool, g, dy.segment(), weight.segment(), null, dx.segment());
    }

    /** Gradient w.r.t. the weight of {@link #convTranspose2d}: dw {@code [cin, cout/groups, kh, kw]}. */
    public void convTranspose2dBackwardWeight(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw) {
        ConvGeometry g = transposedGeometry(x.shape(), dw.shape(), spec, "convTranspose2dBackwardWeight");
        expect(dy, "convTranspose2dBackwardWeight dy", g.n(), g.cin(), g.h(), g.w());
        noOverlap(dw, x, "convTranspose2dBackwardWeight dw", "x");
        noOverlap(dw, dy, "convTranspose2dBackwardWeight dw", "dy");
        // In convolution terms the transposed output is the input and the transposed input is the output.
        k.conv2dBackwardWeight(pool, g, dy.segment(), x.segment(), dw.segment());
    }

    // ================================================================== pooling and resizing

    public static int[] pool2dOutputShape(int[] x, Pool2dSpec spec) {
        PoolGeometry g = poolGeometry(x, spec, "pool2d");
        return new int[] {g.n(), g.c(), g.oh(), g.ow()};
    }

    /** Max pooling: x {@code [n, c, h, w]} to y {@code [n, c, oh, ow]}. */
    public void maxPool2d(Tensor x, Pool2dSpec spec, Tensor y) {
        PoolGeometry g = poolGeometry(x.shape(), spec, "maxPool2d");
        expect(y, "maxPool2d output y", g.n(), g.c(), g.oh(), g.ow());
        noOverlap(y, x, "maxPool2d y", "x");
        k.maxPool2dForward(pool, g, x.segment(), y.segment());
    }

    /** Gradient of {@link #maxPool2d}: routes each dy to the first maximum of its window in x. */
    public void maxPool2dBackward(Tensor x, Tensor dy, Pool2dSpec spec, Tensor dx) {
        PoolGeometry g = poolGeometry(x.shape(), spec, "maxPool2dBackward");
        expect(dy, "maxPool2dBackward dy", g.n(), g.c(), g.oh(), g.ow());
        expect(dx, "maxPool2dBackward dx", g.n(), g.c(), g.h(), g.w());
        noOverlap(dx, dy, "maxPool2dBackward dx", "dy");
        noOverlap(dx, x, "maxPool2dBackward dx", "x");
        k.maxPool2dBackward(pool, g, x.segment(), dy.segment(), dx.segment());
    }

    /** Average pooling: x {@code [n, c, h, w]} to y {@code [n, c, oh, ow]}. */
    public void avgPool2d(Tensor x, Pool2dSpec spec, Tensor y) {
        if (spec.dilationH() != 1 || spec.dilationW() != 1) {
            throw new IllegalArgumentException("avgPool2d has no dilation (PyTorch's AvgPool2d neither); got "
                    + spec.dilationH() + "x" + spec.dilationW());
        }
        PoolGeometry g = poolGeometry(x.shape(), spec, "avgPool2d");
        expect(y, "avgPool2d output y", g.n(), g.c(), g.oh(), g.ow());
        noOverlap(y, x, "avgPool2d y", "x");
        k.avgPool2dForward(pool, g, x.segment(), y.segment());
    }

    /** Gradient of {@link #avgPool2d}: dx {@code [n, c, h, w]} from dy. */
    public void avgPool2dBackward(Tensor dy, Pool2dSpec spec, Tensor dx) {
        if (spec.dilationH() != 1 || spec.dilationW() != 1) {
            throw new IllegalArgumentException("avgPool2d has no dilation; got " + spec.dilationH() + "x"
                    + spec.dilationW());
        }
        PoolGeometry g = poolGeometry(dx.shape(), spec, "avgPool2dBackward");
        expect(dy, "avgPool2dBackward dy", g.n(), g.c(), g.oh(), g.ow());
        noOverlap(dx, dy, "avgPool2dBackward dx", "dy");
        k.avgPool2dBackward(pool, g, dy.segment(), dx.segment());
    }

    /**
     * Bilinear resize (PyTorch {@code interpolate(mode='bilinear', align_corners=False)} with an output size):
     * x {@code [n, c, h, w]} to y {@code [n, c, oh, ow]}; the output size is y's shape.
     */
    public void upsampleBilinear(Tensor x, Tensor y) {
        UpsampleGeometry g = upsampleGeometry(x, y, "upsampleBilinear");
        noOverlap(y, x, "upsampleBilinear y", "x");
        k.upsampleBilinearForward(pool, g, x.segment(), y.segment());
    }

    /** Gradient of {@link #upsampleBilinear}: dx {@code [n, c, h, w]} from dy {@code [n, c, oh, ow]}. */
    public void upsampleBilinearBackward(Tensor dy, Tensor dx) {
        UpsampleGeometry g = upsampleGeometry(dx, dy, "upsampleBilinearBackward");
        noOverlap(dx, dy, "upsampleBilinearBackward dx", "dy");
        k.upsampleBilinearBackward(pool, g, dy.segment(), dx.segment());
    }

    // ================================================================== pointwise

    /** Elementwise work below this many elements runs on the calling thread (splitting costs more than it saves). */
    private static final long PARALLEL_MIN = 1 << 16;
    /** Elementwise work is split into pieces of this many elements (16 KiB floats stay in L1/L2 per piece). */
    private static final int CHUNK = 1 << 14;

    @FunctionalInterface
    private interface ChunkTask {
        void run(long offset, long length);
    }

    /** Runs {@code task} over {@code [0, n)} in chunks spread over the compute threads (in one piece when small). */
    private void chunks(long n, ChunkTask task) {
        if (n < PARALLEL_MIN || pool.threads() == 1) {
            task.run(0, n);
            return;
        }
        int pieces = (int) ((n + CHUNK - 1) / CHUNK);
        pool.parallelFor(pieces, (from, to) -> {
            long off = (long) from * CHUNK;
            long end = Math.min(n, (long) to * CHUNK);
            task.run(off, end - off);
        });
    }

    private static MemorySegment slice(MemorySegment s, long offset, long length) {
        return s.asSlice(offset * Float.BYTES, length * Float.BYTES);
    }

    /** y = f(x), elementwise; y may be x (in place). */
    public void activation(Activation f, Tensor x, Tensor y) {
        sameSize(x, y, "activation x", "y");
        sameOrDisjoint(x, y, "activation x", "y");
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        chunks(x.size(), (off, n) -> k.activationForward(f, slice(xs, off, n), slice(ys, off, n), n));
    }

    /**
     * dx = dy * f'(x) where y = f(x) is the forward output (ReLU-type functions read x, sigmoid and tanh read
     * y; pass both). dx may be dy.
     */
    public void activationBackward(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        sameSize(x, y, "activationBackward x", "y");
        sameSize(x, dy, "activationBackward x", "dy");
        sameSize(x, dx, "activationBackward x", "dx");
        sameOrDisjoint(dx, dy, "activationBackward dx", "dy");
        noOverlap(dx, x, "activationBackward dx", "x");
        noOverlap(dx, y, "activationBackward dx", "y");
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        MemorySegment dys = dy.segment();
        MemorySegment dxs = dx.segment();
        chunks(x.size(), (off, n) -> k.activationBackward(f, slice(xs, off, n), slice(ys, off, n), slice(dys, off, n),
                slice(dxs, off, n), n));
    }

    /** out = a + b (same number of elements); out may be a or b. */
    public void add(Tensor a, Tensor b, Tensor out) {
        binary(a, b, out, "add");
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment os = out.segment();
        chunks(a.size(), (off, n) -> k.add(slice(as, off, n), slice(bs, off, n), slice(os, off, n), n));
    }

    /** out = a - b. */
    public void sub(Tensor a, Tensor b, Tensor out) {
        binary(a, b, out, "sub");
        k.sub(a.segment(), b.segment(), out.segment(), a.size());
    }

    /** out = a * b, elementwise. */
    public void mul(Tensor a, Tensor b, Tensor out) {
        binary(a, b, out, "mul");
        k.mul(a.segment(), b.segment(), out.segment(), a.size());
    }

    /** out = s * a. */
    public void scale(Tensor a, float s, Tensor out) {
        sameSize(a, out, "scale a", "out");
        sameOrDisjoint(a, out, "scale a", "out");
        k.scale(a.segment(), s, out.segment(), a.size());
    }

    /** y += alpha * x. */
    public void axpy(float alpha, Tensor x, Tensor y) {
        sameSize(x, y, "axpy x", "y");
        sameOrDisjoint(x, y, "axpy x", "y");
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        chunks(x.size(), (off, n) -> k.axpy(alpha, slice(xs, off, n), slice(ys, off, n), n));
    }

    /** x[b, c, ...] += bias[c] for x of shape {@code [b, c, ...]} (in place). */
    public void addChannelBias(Tensor x, Tensor bias) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("addChannelBias needs x of rank >= 2, got " + x.shapeString());
        }
        expect(bias, "addChannelBias bias", x.dim(1));
        long inner = x.size() / Math.max(1, (long) x.dim(0) * x.dim(1));
        if (inner > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("addChannelBias: inner size too large in " + x.shapeString());
        }
        k.addChannelBias(x.segment(), bias.segment(), x.dim(0), x.dim(1), (int) inner);
    }

    // ================================================================== reductions

    public float sum(Tensor a) {
        return k.sum(a.segment(), a.size());
    }

    public float mean(Tensor a) {
        nonEmpty(a, "mean");
        return k.sum(a.segment(), a.size()) / a.size();
    }

    public float dot(Tensor a, Tensor b) {
        sameSize(a, b, "dot a", "b");
        return k.dot(a.segment(), b.segment(), a.size());
    }

    public float sumOfSquares(Tensor a) {
        return k.sumOfSquares(a.segment(), a.size());
    }

    /** The largest element (NaN if any is NaN). */
    public float max(Tensor a) {
        nonEmpty(a, "max");
        return k.max(a.segment(), a.size());
    }

    /** The smallest element (NaN if any is NaN). */
    public float min(Tensor a) {
        nonEmpty(a, "min");
        return k.min(a.segment(), a.size());
    }

    // ================================================================== copies

    /**
     * Copies {@code runs} runs of {@code length} floats: run {@code r} from src at float offset
     * {@code srcOffset + r*srcStride} to dst at {@code dstOffset + r*dstStride}, split over the compute threads.
     * Concatenating image batches {@code [B, C_i, H, W]} along channels is one call per input with a run per image
     * (and splitting the gradient back is the reverse). Every run must lie inside both tensors; src and dst must
     * not share memory.
     */
    public void copyRuns(Tensor src, long srcOffset, long srcStride, Tensor dst, long dstOffset, long dstStride,
                         int runs, long length) {
        if (runs < 0 || length < 0 || srcOffset < 0 || dstOffset < 0 || srcStride < 0 || dstStride < 0) {
            throw new IllegalArgumentException("copyRuns: negative argument (runs " + runs + ", length " + length
                    + ", offsets " + srcOffset + "/" + dstOffset + ", strides " + srcStride + "/" + dstStride + ")");
        }
        if (runs == 0 || length == 0) {
            return;
        }
        long srcEnd = srcOffset + (runs - 1) * srcStride + length;
        long dstEnd = dstOffset + (runs - 1) * dstStride + length;
        if (srcEnd > src.size() || dstEnd > dst.size()) {
            throw new IllegalArgumentException("copyRuns: " + runs + " runs of " + length + " floats reach float "
                    + srcEnd + " of src " + src.shapeString() + " and " + dstEnd + " of dst " + dst.shapeString());
        }
        noOverlap(dst, src, "copyRuns dst", "src");
        MemorySegment s = src.segment();
        MemorySegment d = dst.segment();
        ComputePool.RangeTask task = (from, to) -> {
            for (int r = from; r < to; r++) {
                MemorySegment.copy(s, (srcOffset + r * srcStride) * Float.BYTES, d,
                        (dstOffset + r * dstStride) * Float.BYTES, length * Float.BYTES);
            }
        };
        if ((long) runs * length < PARALLEL_MIN || pool.threads() == 1) {
            task.run(0, runs);
        } else {
            pool.parallelFor(runs, task);
        }
    }

    // ================================================================== distances

    /**
     * out[i, j] = ||x[i] - y[j]||^2 for x {@code [n, d]}, y {@code [m, d]}, out {@code [n, m]}, computed from
     * the differences (exact to float rounding even for near-identical rows).
     */
    public void pairwiseSquaredDistances(Tensor x, Tensor y, Tensor out) {
        rank(x, 2, "pairwise distances x");
        rank(y, 2, "pairwise distances y");
        if (x.dim(1) != y.dim(1)) {
            throw new IllegalArgumentException("pairwise distances: x " + x.shapeString() + " and y " + y.shapeString()
                    + " differ in dimension 1");
        }
        expect(out, "pairwise distances out", x.dim(0), y.dim(0));
        noOverlap(out, x, "pairwise distances out", "x");
        noOverlap(out, y, "pairwise distances out", "y");
        k.pairwiseSquaredDistances(pool, x.segment(), x.dim(0), y.segment(), y.dim(0), x.dim(1), out.segment());
    }

    // ================================================================== validation helpers

    private static ConvGeometry convGeometry(int[] x, int[] w, Conv2dSpec spec, String op) {
        if (spec == null) {
            throw new IllegalArgumentException(op + ": spec is null");
        }
        if (x.length != 4) {
            throw new IllegalArgumentException(op + ": input must be [n, c, h, w], got " + Arrays.toString(x));
        }
        if (w.length != 4) {
            throw new IllegalArgumentException(op + ": weight must be [out, in/groups, kh, kw], got "
                    + Arrays.toString(w));
        }
        int groups = spec.groups();
        if (x[1] % groups != 0 || w[0] % groups != 0) {
            throw new IllegalArgumentException(op + ": " + groups + " groups must divide input channels " + x[1]
                    + " and output channels " + w[0]);
        }
        if (w[1] * groups != x[1]) {
            throw new IllegalArgumentException(op + ": weight " + Arrays.toString(w) + " expects " + w[1] * groups
                    + " input channels (" + w[1] + " per group x " + groups + " groups), input " + Arrays.toString(x)
                    + " has " + x[1]);
        }
        if (w[2] < 1 || w[3] < 1) {
            throw new IllegalArgumentException(op + ": empty kernel in weight " + Arrays.toString(w));
        }
        int oh = spec.outputHeight(x[2], w[2]);
        int ow = spec.outputWidth(x[3], w[3]);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(x) + " is smaller than the dilated "
                    + "kernel " + w[2] + "x" + w[3] + " with " + spec + "; the output would be " + oh + "x" + ow);
        }
        return new ConvGeometry(x[0], x[1], x[2], x[3], w[0], w[2], w[3], spec.strideH(), spec.strideW(),
                spec.padH(), spec.padW(), spec.dilationH(), spec.dilationW(), groups, oh, ow);
    }

    /** The convolution geometry whose backward-data pass is the transposed convolution of x. */
    private static ConvGeometry transposedGeometry(int[] x, int[] w, Conv2dSpec spec, String op) {
        if (spec == null) {
            throw new IllegalArgumentException(op + ": spec is null");
        }
        if (x.length != 4) {
            throw new IllegalArgumentException(op + ": input must be [n, c, h, w], got " + Arrays.toString(x));
        }
        if (w.length != 4) {
            throw new IllegalArgumentException(op + ": weight must be [in, out/groups, kh, kw], got "
                    + Arrays.toString(w));
        }
        int groups = spec.groups();
        if (w[0] != x[1]) {
            throw new IllegalArgumentException(op + ": weight " + Arrays.toString(w) + " expects " + w[0]
                    + " input channels, input " + Arrays.toString(x) + " has " + x[1]);
        }
        if (x[1] % groups != 0) {
            throw new IllegalArgumentException(op + ": " + groups + " groups must divide input channels " + x[1]);
        }
        if (w[2] < 1 || w[3] < 1 || w[1] < 1) {
            throw new IllegalArgumentException(op + ": empty kernel in weight " + Arrays.toString(w));
        }
        int oh = spec.transposedOutputHeight(x[2], w[2]);
        int ow = spec.transposedOutputWidth(x[3], w[3]);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(x) + " with weight "
                    + Arrays.toString(w) + " and " + spec + " gives an empty output " + oh + "x" + ow);
        }
        // Output padding below the stride picks one of the sizes a strided convolution maps onto x's size. Up to
        // the dilation (PyTorch allows either) it can also add rows that a convolution of that size would map
        // one step further; the kernels then simply compute x's oh x ow outputs of it.
        ConvGeometry g = new ConvGeometry(x[0], w[1] * groups, oh, ow, x[1], w[2], w[3], spec.strideH(),
                spec.strideW(), spec.padH(), spec.padW(), spec.dilationH(), spec.dilationW(), groups, x[2], x[3]);
        assert spec.outputHeight(oh, w[2]) >= x[2] && spec.outputWidth(ow, w[3]) >= x[3] : g;
        return g;
    }

    private static PoolGeometry poolGeometry(int[] x, Pool2dSpec spec, String op) {
        if (spec == null) {
            throw new IllegalArgumentException(op + ": spec is null");
        }
        if (x.length != 4) {
            throw new IllegalArgumentException(op + ": input must be [n, c, h, w], got " + Arrays.toString(x));
        }
        int oh = spec.outputHeight(x[2]);
        int ow = spec.outputWidth(x[3]);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(x) + " is smaller than the window "
                    + spec + "; the output would be " + oh + "x" + ow);
        }
        return new PoolGeometry(x[0], x[1], x[2], x[3], spec.kernelH(), spec.kernelW(), spec.strideH(),
                spec.strideW(), spec.padH(), spec.padW(), spec.dilationH(), spec.dilationW(), spec.countIncludePad(),
                oh, ow);
    }

    private static UpsampleGeometry upsampleGeometry(Tensor small, Tensor large, String op) {
        if (small == null || large == null || small.rank() != 4 || large.rank() != 4) {
            rank(small, 4, op + " input");
            rank(large, 4, op + " output");
        }
        if (small.dim(0) != large.dim(0) || small.dim(1) != large.dim(1)) {
            throw new IllegalArgumentException(op + ": input " + small.shapeString() + " and output "
                    + large.shapeString() + " differ in batch or channels");
        }
        if (small.dim(2) < 1 || small.dim(3) < 1 || large.dim(2) < 1 || large.dim(3) < 1) {
            throw new IllegalArgumentException(op + ": empty image in " + small.shapeString() + " -> "
                    + large.shapeString());
        }
        return new UpsampleGeometry(small.dim(0), small.dim(1), small.dim(2), small.dim(3), large.dim(2), large.dim(3));
    }

    private static void rank(Tensor t, int r, String what) {
        if (t == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (t.rank() != r) {
            throw new IllegalArgumentException(what + " must have rank " + r + ", got " + t.shapeString());
        }
    }

    private static void expect(Tensor t, String what, int... shape) {
        if (t == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (!t.hasShape(shape)) {
            throw new IllegalArgumentException(what + " must be " + Arrays.toString(shape) + ", got " + t.shapeString());
        }
    }

    private static void sameSize(Tensor a, Tensor b, String an, String bn) {
        if (a == null || b == null) {
            throw new IllegalArgumentException((a == null ? an : bn) + " is null");
        }
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(an + " " + a.shapeString() + " and " + bn + " " + b.shapeString()
                    + " differ in size");
        }
    }

    private static void binary(Tensor a, Tensor b, Tensor out, String op) {
        // The messages are built only on failure: these ops run per element-wise step and must not allocate.
        if (a == null || b == null || out == null || a.size() != b.size() || a.size() != out.size()
                || partiallyOverlap(a.segment(), out.segment()) || partiallyOverlap(b.segment(), out.segment())) {
            sameSize(a, b, op + " a", "b");
            sameSize(a, out, op + " a", "out");
            sameOrDisjoint(a, out, op + " a", "out");
            sameOrDisjoint(b, out, op + " b", "out");
        }
    }

    private static void nonEmpty(Tensor a, String op) {
        if (a.size() == 0) {
            throw new IllegalArgumentException(op + " of an empty tensor " + a.shapeString());
        }
    }

    private static void finite(float v, String what) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite, got " + v);
        }
    }

    /** Outputs that partially overlap an input would read values they already overwrote. */
    private static void sameOrDisjoint(Tensor a, Tensor b, String an, String bn) {
        if (partiallyOverlap(a.segment(), b.segment())) {
            throw new IllegalArgumentException(an + " and " + bn + " partially overlap in memory");
        }
    }

    private static boolean partiallyOverlap(MemorySegment x, MemorySegment y) {
        return !(x.address() == y.address() && x.byteSize() == y.byteSize()) && overlaps(x, y);
    }

    private static void noOverlap(Tensor out, Tensor in, String on, String in2) {
        if (overlaps(out.segment(), in.segment())) {
            throw new IllegalArgumentException(on + " must not share memory with " + in2);
        }
    }

    private static boolean overlaps(MemorySegment a, MemorySegment b) {
        long a0 = a.address();
        long b0 = b.address();
        return a.byteSize() > 0 && b.byteSize() > 0 && a0 < b0 + b.byteSize() && b0 < a0 + a.byteSize();
    }

    /** Builds an {@link Ops} with its own compute threads. */
    public static final class Builder {
        private int threads = defaultThreads();
        private Provider provider = Provider.AUTO;

        public Builder threads(int t) {
            if (t < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + t);
            }
            threads = t;
            return this;
        }

        public Builder provider(Provider p) {
            if (p == null) {
                throw new IllegalArgumentException("provider is null");
            }
            provider = p;
            return this;
        }

        public Ops build() {
            Kernels kernels = switch (provider) {
                case AUTO -> KernelProvider.get();
                case SCALAR -> KernelProvider.scalar();
                case VECTOR -> KernelProvider.vector();
            };
            return new Ops(kernels, new ComputePool(threads), true);
        }
    }
}
