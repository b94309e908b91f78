package dev.pixelflow.streams.data;

import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;

/**
 * Deterministic generated frames for segmentation: a few small bright discs (the objects) on smooth,
 * textured clutter, with the exact object mask as the target. The same seed always gives the same frames.
 */
public final class SyntheticFrames {
    private final int size;
    private final SplittableRandom random;

    /** Frames of {@code size x size} pixels, one channel, from the given seed. */
    public SyntheticFrames(int size, long seed) {
        if (size < 8) {
            throw new IllegalArgumentException("frame size must be >= 8 pixels, got " + size);
        }
        this.size = size;
        this.random = new SplittableRandom(seed);
    }

    public int size() {
        return size;
    }

    /**
     * Fills {@code frames [b, 1, size, size]} with new frames and {@code masks [b, 1, size, size]} with their
     * 0/1 object masks.
     */
    public void next(Tensor frames, Tensor masks) {
        int b = frames.dim(0);
        if (!frames.hasShape(b, 1, size, size) || !masks.hasShape(b, 1, size, size)) {
            throw new IllegalArgumentException("frames and masks must be [" + b + ", 1, " + size + ", " + size
                    + "], got " + frames.shapeString() + " and " + masks.shapeString());
        }
        for (int i = 0; i < b; i++) {
            long base = (long) i * size * size;
            // Clutter: a random low-frequency pattern plus pixel noise, mostly darker than objects but overlapping.
            double fx = 0.2 + random.nextDouble() * 0.6;
            double fy = 0.2 + random.nextDouble() * 0.6;
            double phase = random.nextDouble() * Math.PI * 2;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double clutter = 0.35 + 0.2 * Math.sin(fx * x + phase) * Math.cos(fy * y - phase)
                            + 0.12 * random.nextGaussian();
                    frames.setFlat(base + (long) y * size + x, (float) clutter);
                    masks.setFlat(base + (long) y * size + x, 0f);
                }
            }
            int objects = 1 + random.nextInt(3);
            for (int o = 0; o < objects; o++) {
                double r = 1.5 + random.nextDouble() * 2.5;
                double cx = r + random.nextDouble() * (size - 2 * r);
                double cy = r + random.nextDouble() * (size - 2 * r);
                float brightness = (float) (0.75 + 0.25 * random.nextDouble());
                for (int y = (int) (cy - r - 1); y <= (int) (cy + r + 1); y++) {
                    for (int x = (int) (cx - r - 1); x <= (int) (cx + r + 1); x++) {
                        if (y < 0 || x < 0 || y >= size || x >= size) {
                            continue;
                        }
                        double dx = x - cx;
                        double dy = y - cy;
                        if (dx * dx + dy * dy <= r * r) {
                            long at = base + (long) y * size + x;
                            frames.setFlat(at, brightness + (float) (0.05 * random.nextGaussian()));
                            masks.setFlat(at, 1f);
                        }
                    }
                }
            }
        }
    }
}
