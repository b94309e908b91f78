package dev.pixelflow.streams.internal;

import dev.pixelflow.simd.Tensor;
import dev.pixelflow.simd.checkpoint.Checkpoint;
import dev.pixelflow.simd.norm.NormMethod;
import dev.pixelflow.simd.norm.NormScope;
import dev.pixelflow.simd.norm.NormStats;
import dev.pixelflow.simd.norm.NormalizerSpec;
import dev.pixelflow.simd.norm.WelfordStats;
import org.jspecify.annotations.Nullable;

/**
 * Online z-score statistics of a model's training inputs, per channel (Welford over every training frame so
 * far, in pixel units [0, 1]); saved in checkpoints under {@value #NAME} and published with each snapshot, so
 * that inference normalizes a frame exactly as the weights it runs were trained. One owner thread.
 */
public final class InputStatistics {
    /** Checkpoint entry name ({@code welford.input.*}). */
    public static final String NAME = "input";
    /** Z-score over the data set so far; eps keeps a flat channel finite. */
    public static final NormalizerSpec SPEC = NormalizerSpec.builder(NormMethod.Z_SCORE).scope(NormScope.DATASET)
            .eps(1e-3).build();

    private WelfordStats welford;
    private @Nullable NormStats current;

    public InputStatistics(int channels) {
        this.welford = new WelfordStats(channels);
    }

    /** Adds a raw {@code [n, C, H, W]} batch and returns the statistics to normalize it with. */
    public NormStats update(Tensor raw) {
        welford.update(raw);
        current = welford.toStats(SPEC);
        return current;
    }

    /** The statistics after the last update, or null before any data. */
    public @Nullable NormStats current() {
        return current;
    }

    /** Adds the state to a checkpoint (nothing before any data). */
    public Checkpoint.Builder saveTo(Checkpoint.Builder b) {
        return welford.count() == 0 ? b : b.welford(NAME, welford);
    }

    /** Restores the state from a checkpoint that has it; otherwise keeps the current one. */
    public void restoreFrom(Checkpoint c) {
        if (c.arrayNames().contains("welford." + NAME + ".count")) {
            welford = c.welford(NAME);
            current = welford.count() == 0 ? null : welford.toStats(SPEC);
        }
    }
}
