package dev.pixelflow.simd.nn;

import dev.pixelflow.simd.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Group normalization, PyTorch {@code nn.GroupNorm}: input {@code [B, C, *]} (rank >= 2, e.g. {@code [B, C, H, W]}),
 * output of the same shape. The C channels form G groups of {@code C/G} consecutive channels; for each sample b and
 * group g, over its {@code n = C/G * prod(*)} elements,
 * {@code y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c]} with the biased variance
 * {@code var = mean((x - mean)^2)}. Statistics are per sample, so the output of a sample does not depend on the
 * rest of the batch (batch 1 and streaming batches behave the same) and training and inference compute the same
 * function. Parameters (when affine, the default) {@code weight [C]} (ones) and {@code bias [C]} (zeros), neither
 * with weight decay. Statistics are accumulated in double.
 */
public final class GroupNorm implements Layer {
    private static final ValueLayout.OfFloat FL = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int groups;
    private final int channels;
    private final double eps;
    private final @Nullable Parameter weight;
    private final @Nullable Parameter bias;

    private GroupNorm(int groups, int channels, double eps, boolean affine) {
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = affine ? Parameter.of("weight", Initializer.constant(1f), false, channels) : null;
        this.bias = affine ? Parameter.of("bias", Initializer.zeros(), false, channels) : null;
    }

    /** {@code groups} groups over {@code channels} channels, eps 1e-5, affine. */
    public static GroupNorm of(int groups, int channels) {
        return of(groups, channels, 1e-5, true);
    }

    /**
     * @param groups G, must divide {@code channels}
     * @param eps added to the variance, > 0
     * @param affine whether to learn a per-channel scale and shift
     */
    public static GroupNorm of(int groups, int channels, double eps, boolean affine) {
        if (groups < 1 || channels < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: groups " + groups + " must be >= 1 and divide channels "
                    + channels);
        }
        if (!(eps > 0 && Double.isFinite(eps))) {
            throw new IllegalArgumentException("GroupNorm: eps must be finite and > 0, got " + eps);
        }
        return new GroupNorm(groups, channels, eps, affine);
    }

    /** The per-channel scale, or null when not affine. */
    public @Nullable Parameter weight() {
        return weight;
    }

    /** The per-channel shift, or null when not affine. */
    public @Nullable Parameter bias() {
        return bias;
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length < 2 || input[1] != channels || Arrays.stream(input).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(this + " expects input [B, " + channels + ", *] (e.g. [B, " + channels
                    + ", H, W]), got " + Arrays.toString(input));
        }
        return input.clone();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        outputShape(x.shape());
        int batch = x.dim(0);
        int spatial = (int) (x.size() / ((long) batch * channels));
        int perGroup = channels / groups;
        long n = (long) perGroup * spatial;
        Tensor y = pass.take(x.shape());
        Tensor stats = pass.take(batch, groups, 2); // mean, 1/sqrt(var + eps)
        MemorySegment xm = x.segment();
        MemorySegment ym = y.segment();
        MemorySegment sm = stats.segment();
        MemorySegment wm = weight == null ? null : pass.value(weight).segment();
        MemorySegment bm = bias == null ? null : pass.value(bias).segment();
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < groups; g++) {
                long base = ((long) b * channels + (long) g * perGroup) * spatial;
                double sum = 0;
                for (long i = 0; i < n; i++) {
                    sum += xm.getAtIndex(FL, base + i);
                }
                double mean = sum / n;
                double ss = 0;
                for (long i = 0; i < n; i++) {
                    double d = xm.getAtIndex(FL, base + i) - mean;
                    ss += d * d;
                }
                double rstd = 1.0 / Math.sqrt(ss / n + eps);
                long si = ((long) b * groups + g) * 2;
                sm.setAtIndex(FL, si, (float) mean);
                sm.setAtIndex(FL, si + 1, (float) rstd);
                for (int c = 0; c < perGroup; c++) {
                    int ch = g * perGroup + c;
                    double scale = wm == null ? rstd : rstd * wm.getAtIndex(FL, ch);
                    double shift = (bm == null ? 0 : bm.getAtIndex(FL, ch)) - mean * scale;
                    long cb = base + (long) c * spatial;
                    for (int s = 0; s < spatial; s++) {
                        ym.setAtIndex(FL, cb + s, (float) (xm.getAtIndex(FL, cb + s) * scale + shift));
                    }
                }
            }
        }
        pass.save(x);
        pass.save(stats);
        return y;
    }

    @Override
    public @Nullable Tensor backward(Tensor dy, Pass pass, boolean inputGradient) {
        Tensor stats = pass.restore();
        Tensor x = pass.restore();
        int batch = x.dim(0);
        int spatial = (int) (x.size() / ((long) batch * channels));
        int perGroup = channels / groups;
        long n = (long) perGroup * spatial;
        MemorySegment xm = x.segment();
        MemorySegment dym = dy.segment();
        MemorySegment sm = stats.segment();
        if (weight != null) {
            // dweight[c] = sum dy * xhat, dbias[c] = sum dy over batch and positions
            MemorySegment gw = pass.grad(weight).segment();
            MemorySegment gb = pass.grad(bias).segment();
            for (int ch = 0; ch < channels; ch++) {
                int g = ch / perGroup;
                double sw = 0;
                double sb = 0;
                for (int b = 0; b < batch; b++) {
                    long si = ((long) b * groups + g) * 2;
                    double mean = sm.getAtIndex(FL, si);
                    double rstd = sm.getAtIndex(FL, si + 1);
                    long cb = ((long) b * channels + ch) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        double d = dym.getAtIndex(FL, cb + s);
                        sw += d * (xm.getAtIndex(FL, cb + s) - mean) * rstd;
                        sb += d;
                    }
                }
                gw.setAtIndex(FL, ch, (float) sw);
                gb.setAtIndex(FL, ch, (float) sb);
            }
        }
        if (!inputGradient) {
            return null;
        }
        // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) with dxhat = dy * weight[c], per group
        Tensor dx = pass.take(x.shape());
        MemorySegment dxm = dx.segment();
        MemorySegment wm = weight == null ? null : pass.value(weight).segment();
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < groups; g++) {
                long si = ((long) b * groups + g) * 2;
                double mean = sm.getAtIndex(FL, si);
                double rstd = sm.getAtIndex(FL, si + 1);
                long base = ((long) b * channels + (long) g * perGroup) * spatial;
                double sumD = 0;
                double sumDX = 0;
                for (int c = 0; c < perGroup; c++) {
                    double w = wm == null ? 1 : wm.getAtIndex(FL, g * perGroup + c);
                    long cb = base + (long) c * spatial;
                    for (int s = 0; s < spatial; s++) {
                        double d = dym.getAtIndex(FL, cb + s) * w;
                        sumD += d;
                        sumDX += d * (xm.getAtIndex(FL, cb + s) - mean) * rstd;
                    }
                }
                double meanD = sumD / n;
                double meanDX = sumDX / n;
                for (int c = 0; c < perGroup; c++) {
                    double w = wm == null ? 1 : wm.getAtIndex(FL, g * perGroup + c);
                    long cb = base + (long) c * spatial;
                    for (int s = 0; s < spatial; s++) {
                        double xhat = (xm.getAtIndex(FL, cb + s) - mean) * rstd;
                        double d = dym.getAtIndex(FL, cb + s) * w;
                        dxm.setAtIndex(FL, cb + s, (float) (rstd * (d - meanD - xhat * meanDX)));
                    }
                }
            }
        }
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return weight == null ? List.of() : List.of(weight, bias);
    }

    @Override
    public String toString() {
        return "GroupNorm(" + groups + " groups, " + channels + " channels)";
    }
}
