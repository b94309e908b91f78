package dev.pixelflow.streams.data;

import dev.pixelflow.connectors.DType;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;

/**
 * Generated one-channel u8 frames for both of the job's tasks, deterministic by seed:
 * <ul>
 *   <li>segmentation: small bright discs on textured clutter ({@link SyntheticFrames}), with or without the
 *       object mask;</li>
 *   <li>identities: each identity is a stripe pattern (background and stripe levels, period, orientation)
 *       seen with nuisance variation — a random phase shift, brightness jitter and pixel noise — with or
 *       without its identity label.</li>
 * </ul>
 */
public final class MixedFrames implements AutoCloseable {
    /** What a generated frame carries. */
    public enum Kind { SEGMENTATION_LABELLED, SEGMENTATION_UNLABELLED, IDENTITY_LABELLED, IDENTITY_UNLABELLED }

    private final int size;
    private final SyntheticFrames discs;
    private final SplittableRandom random;
    private final double[][] identities;
    private final Tensor x;
    private final Tensor y;

    /** Frames of {@code size x size} pixels with {@code identityCount} identities. */
    public MixedFrames(int size, int identityCount, long seed) {
        if (identityCount < 2) {
            throw new IllegalArgumentException("at least 2 identities are needed, got " + identityCount);
        }
        this.size = size;
        this.discs = new SyntheticFrames(size, seed);
        this.random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        this.identities = new double[identityCount][];
        for (int i = 0; i < identityCount; i++) {
            // background, stripe level, period, orientation (0..3): far enough apart to tell, close enough to learn
            identities[i] = new double[] {40 + r.nextInt(120), 120 + r.nextInt(130), 3 + r.nextInt(7), r.nextInt(4)};
        }
        this.x = Tensor.zeros(1, 1, size, size);
        this.y = Tensor.zeros(1, 1, size, size);
    }

    public int identityCount() {
        return identities.length;
    }

    /** The next frame of {@code kind}. */
    public Frame next(Kind kind, long sequence) {
        long now = System.currentTimeMillis();
        int n = size * size;
        byte[] payload = new byte[n];
        if (kind == Kind.SEGMENTATION_LABELLED || kind == Kind.SEGMENTATION_UNLABELLED) {
            discs.next(x, y);
            byte[] mask = new byte[n];
            for (int i = 0; i < n; i++) {
                payload[i] = (byte) Math.clamp(Math.round(x.getFlat(i) * 255f), 0, 255);
                mask[i] = (byte) (y.getFlat(i) > 0.5f ? 1 : 0);
            }
            return new Frame(DType.U8, 1, size, size, sequence, now, null,
                    kind == Kind.SEGMENTATION_LABELLED ? mask : null, payload);
        }
        int id = random.nextInt(identities.length);
        double[] c = identities[id];
        double gain = 0.85 + 0.3 * random.nextDouble();
        int period = (int) c[2];
        int phase = random.nextInt(2 * period);
        for (int yy = 0; yy < size; yy++) {
            for (int xx = 0; xx < size; xx++) {
                int t = switch ((int) c[3]) {
                    case 0 -> yy;
                    case 1 -> xx;
                    case 2 -> xx + yy;
                    default -> xx - yy + size;
                };
                boolean stripe = ((t + phase) / period) % 2 == 0;
                double v = gain * (stripe ? c[1] : c[0]) + 14 * random.nextGaussian();
                payload[yy * size + xx] = (byte) Math.clamp(Math.round(v), 0, 255);
            }
        }
        return new Frame(DType.U8, 1, size, size, sequence, now, kind == Kind.IDENTITY_LABELLED ? id : null, null,
                payload);
    }

    @Override
    public void close() {
        x.close();
        y.close();
    }
}
