package dev.pixelflow.simd.norm;

import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.internal.ComputePool;
import dev.pixelflow.simd.internal.KernelProvider;
import dev.pixelflow.simd.internal.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;

/**
 * The contiguous runs of floats the normalizers hand to the kernels: every H*W plane (b, c) of each
 * {@code [B, C, H, W]} tensor, in flat order, split into runs of at most {@value #SPLIT} floats so that one
 * large plane still spreads over the compute threads. Per-run results are written to arrays indexed by run
 * and combined afterwards in run order, so results do not depend on the number of threads.
 */
final class NormPlanes {
    /** Longest run: 256 KiB of floats, large enough that a run dwarfs the cost of scheduling it. */
    static final int SPLIT = 1 << 16;
    /** Below this many floats in total the work runs on the calling thread. */
    static final long PARALLEL_MIN = 1 << 15;

    /** Compute threads of the normalizers (pixelflow.threads, as {@link Ops#defaults()}); parked when idle. */
    private static final class Pool {
        static final ComputePool INSTANCE = ComputePool.shared(Ops.defaultThreads());
    }

    final Tensor[] tensors;
    private final String[] names;
    final int count;
    final int[] tensor;
    final long[] offset;
    final int[] length;
    final int[] group;
    final long total;

    private NormPlanes(Tensor[] tensors, String[] names, int count) {
        this.tensors = tensors;
        this.names = names;
        this.count = count;
        this.tensor = new int[count];
        this.offset = new long[count];
        this.length = new int[count];
        this.group = new int[count];
        long sum = 0;
        for (Tensor t : tensors) {
            sum += t.size();
        }
        this.total = sum;
    }

    /** The kernels for a provider choice. */
    static Kernels kernels(Ops.Provider provider) {
        return switch (provider) {
            case AUTO -> KernelProvider.get();
            case VECTOR -> KernelProvider.vector();
            case SCALAR -> KernelProvider.scalar();
        };
    }

    /** Runs of the planes of {@code tensors} ([B, C, H, W] each), grouped by {@code scope}. */
    static NormPlanes of(NormScope scope, String[] names, Tensor... tensors) {
        int count = 0;
        for (Tensor t : tensors) {
            long hw = (long) t.dim(2) * t.dim(3);
            count = Math.addExact(count, Math.toIntExact((long) t.dim(0) * t.dim(1) * pieces(hw)));
        }
        NormPlanes p = new NormPlanes(tensors, names, count);
        int r = 0;
        for (int ti = 0; ti < tensors.length; ti++) {
            Tensor t = tensors[ti];
            int channels = t.dim(1);
            long hw = (long) t.dim(2) * t.dim(3);
            for (int b = 0; b < t.dim(0); b++) {
                for (int c = 0; c < channels; c++) {
                    long base = ((long) b * channels + c) * hw;
                    int g = scope.group(b, c, channels);
                    for (long s = 0; s < hw; s += SPLIT) {
                        p.tensor[r] = ti;
                        p.offset[r] = base + s;
                        p.length[r] = (int) Math.min(SPLIT, hw - s);
                        p.group[r] = g;
                        r++;
                    }
                }
            }
        }
        return p;
    }

    /** Runs over all of {@code t} as one flat array (group 0), for checks that ignore the layout. */
    static NormPlanes flat(String name, Tensor t) {
        long n = t.size();
        NormPlanes p = new NormPlanes(new Tensor[] {t}, new String[] {name}, Math.toIntExact(pieces(n)));
        for (int r = 0; r < p.count; r++) {
            p.offset[r] = (long) r * SPLIT;
            p.length[r] = (int) Math.min(SPLIT, n - p.offset[r]);
        }
        return p;
    }

    /** The normalizers' compute threads. */
    static int threads() {
        return Pool.INSTANCE.threads();
    }

    /**
     * For runs made by {@link #of} with a scope other than DATASET, whose groups' runs are consecutive (and of a
     * non-empty batch, so every group has one): the first run of each of the {@code groups} groups, then
     * {@link #count}.
     */
    int[] groupStarts(int groups) {
        int[] first = new int[groups + 1];
        for (int r = count - 1; r >= 0; r--) {
            first[group[r]] = r;
        }
        first[groups] = count;
        return first;
    }

    private static long pieces(long n) {
        return (n + SPLIT - 1) / SPLIT;
    }

    MemorySegment segment(int run) {
        return tensors[tensor[run]].segment();
    }

    /** Runs {@code task} for every run index, across the compute threads when the data are large. */
    void forEach(IntConsumer task) {
        parallel(count, total, task);
    }

    /**
     * Runs {@code task} for every index in [0, n), across the compute threads when {@code work} (floats
     * touched in total) is large enough to pay for it.
     */
    static void parallel(int n, long work, IntConsumer task) {
        if (n == 1 || work < PARALLEL_MIN) {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
            return;
        }
        Pool.INSTANCE.parallelFor(n, (from, to) -> {
            for (int i = from; i < to; i++) {
                task.accept(i);
            }
        });
    }

    /** Throws naming the first non-finite value if some run's flag is false. */
    void requireFinite(boolean[] finite) {
        for (int r = 0; r < count; r++) {
            if (!finite[r]) {
                throw nonFinite(r, 0);
            }
        }
    }

    /** Throws naming the first non-finite value when {@code kernels} finds one anywhere in the runs. */
    void requireFinite(Kernels kernels) {
        boolean[] finite = new boolean[count];
        double[] scratch = new double[2 * count];
        forEach(r -> finite[r] = kernels.normMinMax(segment(r), offset[r], length[r], scratch, 2 * r));
        requireFinite(finite);
    }

    /** The error for the first NaN or infinity of run {@code run} at or after {@code from} (a scalar rescan). */
    IllegalArgumentException nonFinite(int run, long from) {
        Tensor t = tensors[tensor[run]];
        MemorySegment s = t.segment();
        for (long i = offset[run] + from; i < offset[run] + length[run]; i++) {
            float v = s.getAtIndex(NormChecks.F32, i);
            if (!Float.isFinite(v)) {
                return NormChecks.nonFinite(name(run), t, i, v);
            }
        }
        throw new IllegalStateException("kernel reported a non-finite value in " + name(run) + " at ["
                + offset[run] + ", " + (offset[run] + length[run]) + ") but none is there");
    }

    private String name(int run) {
        return names == null ? "tensor " + tensor[run] : names[tensor[run]];
    }
}
