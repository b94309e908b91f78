package dev.pixelflow.streams.internal;

import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.norm.NormMethod;
import dev.pixelflow.simd.norm.NormScope;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.simd.norm.Normalizer;
import dev.pixelflow.simd.norm.NormalizerSpec;
import dev.pixelflow.streams.PipelineSettings.Normalization;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns a list of frames into a normalized {@code [n, C, H, W]} batch (and {@code [n, 1, H, W]} binary mask
 * targets) in tensors allocated once for the largest batch, so steady-state batches allocate no native memory.
 * The returned tensors are views valid until the next call. One owner thread (not thread-safe).
 */
public final class FrameBatch implements AutoCloseable {
    private final int channels;
    private final int height;
    private final int width;
    private final Tensor inputs;
    private final Tensor masks;
    private final @Nullable Normalizer normalizer;
    private final Tensor work;
    private @Nullable Normalizer dataset;

    public FrameBatch(int maxBatch, int channels, int height, int width, Normalization normalization) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.inputs = Tensor.zeros(maxBatch, channels, height, width);
        this.masks = Tensor.zeros(maxBatch, 1, height, width);
        this.work = Tensor.zeros(maxBatch, channels, height, width);
        this.normalizer = switch (normalization) {
            // eps keeps a flat image (std 0) finite: it maps to 0 instead of NaN.
            case ZSCORE -> Normalizer.of(NormalizerSpec.builder(NormMethod.Z_SCORE).scope(NormScope.PER_CHANNEL)
                    .eps(1e-3).build());
            case MINMAX -> Normalizer.of(NormalizerSpec.builder(NormMethod.MIN_MAX).scope(NormScope.PER_CHANNEL)
                    .eps(1e-3).build());
            case NONE, ONLINE_ZSCORE -> null;
        };
    }

    public int capacity() {
        return inputs.dim(0);
    }

    /**
     * The frames' values ({@link Frame#copyInto}), normalized per image and channel for ZSCORE and MINMAX, raw
     * for ONLINE_ZSCORE (see {@link #normalized}) and NONE: a {@code [n, C, H, W]} view.
     */
    public Tensor inputs(List<Frame> frames) {
        Tensor x = view(inputs, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            assert f.channels() == channels && f.height() == height && f.width() == width : f;
            f.copyInto(x.slice(i, i + 1));
        }
        if (normalizer != null) {
            normalizer.apply(x, x);
        }
        return x;
    }

    /**
     * {@code raw} normalized with data-set statistics into a second buffer (raw stays as it is, so that
     * several models can each normalize the same batch with their own statistics); raw itself when
     * {@code stats} is null (no statistics yet).
     */
    public Tensor normalized(Tensor raw, @Nullable NormStats stats) {
        if (stats == null) {
            return raw;
        }
        if (dataset == null) {
            dataset = Normalizer.fromStats(stats);
        }
        Tensor out = view(work, raw.dim(0));
        dataset.apply(stats, raw, out);
        return out;
    }

    /** Binary targets: 1 where a frame's mask is > 0, else 0; a {@code [n, 1, H, W]} view. */
    public Tensor binaryMasks(List<Frame> frames) {
        Tensor y = view(masks, frames.size());
        for (int i = 0; i < frames.size(); i++) {
            Tensor row = y.slice(i, i + 1);
            frames.get(i).copyMaskInto(row);
            var seg = row.segment();
            for (long p = 0, n = row.size(); p < n; p++) {
                if (seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, p) > 0) {
                    seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, p, 1f);
                }
            }
        }
        return y;
    }

    private static Tensor view(Tensor t, int n) {
        if (n < 1 || n > t.dim(0)) {
            throw new IllegalArgumentException("batch of " + n + " frames, capacity " + t.dim(0));
        }
        return n == t.dim(0) ? t : t.slice(0, n);
    }

    @Override
    public void close() {
        inputs.close();
        masks.close();
        work.close();
    }
}
