package dev.pixelflow.simd.learning;

import dev.pixelflow.simd.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Small-object segmentation frames: 1-channel {@code [B, 1, S, S]} images with a 0/1 mask {@code [B, 1, S, S]}.
 *
 * <p>Each frame is a smooth random texture (a coarse random grid, bilinearly upsampled) plus pixel noise, with
 * distractors drawn at the object's brightness: 2 or 3 thin bars and a large square (different shapes) and two
 * disks of radius 4.5 to 5.5 (the object's shape at about three times its area). The object is one small filled disk of radius 2.5 to 2.9 (21 to 29 pixels, about 1% of a 48x48 frame); only
 * it is marked in the mask, and distractors keep a small distance from it. Everything is drawn from the given {@link SplittableRandom}, so a seed fixes the data.
 */
final class SyntheticScenes {
    /** Brightness added to the texture for the object and for the distractors. */
    static final float OBJECT_BRIGHTNESS = 0.8f;
    /** Standard deviation of the Gaussian pixel noise. */
    static final double NOISE = 0.12;
    /** Disks three times the object's area per frame. */
    static final int DECOYS = 2;

    private SyntheticScenes() {
    }

    /** Fills every frame of {@code x} and its mask in {@code y} (both {@code [B, 1, S, S]}). */
    static void fill(Tensor x, Tensor y, SplittableRandom r) {
        int b = x.dim(0);
        int s = x.dim(2);
        float[] img = new float[s * s];
        float[] mask = new float[s * s];
        for (int n = 0; n < b; n++) {
            frame(img, mask, s, r);
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    x.set(img[i * s + j], n, 0, i, j);
                    y.set(mask[i * s + j], n, 0, i, j);
                }
            }
        }
    }

    /** One {@code s x s} frame into {@code img}, its object mask into {@code mask} (row-major). */
    static void frame(float[] img, float[] mask, int s, SplittableRandom r) {
        texture(img, s, r);
        Arrays.fill(mask, 0f);
        boolean[] bright = new boolean[s * s];
        double radius = 2.5 + 0.4 * r.nextDouble();
        int m = (int) Math.ceil(radius) + 1;
        double cy = m + r.nextDouble() * (s - 2 * m);
        double cx = m + r.nextDouble() * (s - 2 * m);
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                double dy = i - cy;
                double dx = j - cx;
                if (dy * dy + dx * dx <= radius * radius) {
                    bright[i * s + j] = true;
                    mask[i * s + j] = 1f;
                }
            }
        }
        // Distractors keep 2 pixels away from the disk, so every object pixel is recognisable as such.
        int keep = m + 2;
        int bars = 2 + r.nextInt(2);
        for (int k = 0; k < bars; k++) {
            bar(bright, s, r, cy, cx, keep);
        }
        square(bright, s, r, cy, cx, keep);
        for (int k = 0; k < DECOYS; k++) {
            decoy(bright, s, r, cy, cx, keep);
        }
        for (int p = 0; p < s * s; p++) {
            img[p] += (float) (NOISE * gaussian(r)) + (bright[p] ? OBJECT_BRIGHTNESS : 0f);
        }
    }

    /** Whether the box [y0, y1) x [x0, x1) comes within {@code keep} pixels (Chebyshev) of (cy, cx). */
    private static boolean near(int y0, int y1, int x0, int x1, double cy, double cx, int keep) {
        return cy + keep >= y0 && cy - keep < y1 && cx + keep >= x0 && cx - keep < x1;
    }

    /** Bilinear upsampling of a random 7x7 grid with values in [0, 0.5). */
    private static void texture(float[] img, int s, SplittableRandom r) {
        int g = 7;
        float[] grid = new float[g * g];
        for (int k = 0; k < grid.length; k++) {
            grid[k] = (float) (0.5 * r.nextDouble());
        }
        double scale = (g - 1.0) / (s - 1.0);
        for (int i = 0; i < s; i++) {
            double gy = i * scale;
            int y0 = Math.min((int) gy, g - 2);
            double fy = gy - y0;
            for (int j = 0; j < s; j++) {
                double gx = j * scale;
                int x0 = Math.min((int) gx, g - 2);
                double fx = gx - x0;
                double top = grid[y0 * g + x0] * (1 - fx) + grid[y0 * g + x0 + 1] * fx;
                double bottom = grid[(y0 + 1) * g + x0] * (1 - fx) + grid[(y0 + 1) * g + x0 + 1] * fx;
                img[i * s + j] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }

    /** A horizontal or vertical bar one pixel wide and 8 to 20 long, at the object's brightness. */
    private static void bar(boolean[] bright, int s, SplittableRandom r, double cy, double cx, int keep) {
        while (true) {
            int len = 8 + r.nextInt(13);
            boolean horizontal = r.nextBoolean();
            int a = r.nextInt(s);
            int from = r.nextInt(s - len);
            boolean hit = horizontal ? near(a, a + 1, from, from + len, cy, cx, keep)
                    : near(from, from + len, a, a + 1, cy, cx, keep);
            if (hit) {
                continue;
            }
            for (int t = from; t < from + len; t++) {
                bright[horizontal ? a * s + t : t * s + a] = true;
            }
            return;
        }
    }

    /** A filled square of side 9 to 13 at the object's brightness. */
    private static void square(boolean[] bright, int s, SplittableRandom r, double cy, double cx, int keep) {
        while (true) {
            int side = 9 + r.nextInt(5);
            int y0 = r.nextInt(s - side);
            int x0 = r.nextInt(s - side);
            if (near(y0, y0 + side, x0, x0 + side, cy, cx, keep)) {
                continue;
            }
            for (int i = y0; i < y0 + side; i++) {
                for (int j = x0; j < x0 + side; j++) {
                    bright[i * s + j] = true;
                }
            }
            return;
        }
    }

    /** A filled disk of radius 4.5 to 5.5: the object's shape at about three times its area. */
    private static void decoy(boolean[] bright, int s, SplittableRandom r, double cy, double cx, int keep) {
        while (true) {
            double rad = 4.5 + r.nextDouble();
            int m = (int) Math.ceil(rad);
            int y = m + r.nextInt(s - 2 * m);
            int x = m + r.nextInt(s - 2 * m);
            if (near(y - m, y + m + 1, x - m, x + m + 1, cy, cx, keep)) {
                continue;
            }
            for (int i = y - m; i <= y + m; i++) {
                for (int j = x - m; j <= x + m; j++) {
                    if ((i - y) * (i - y) + (j - x) * (j - x) <= rad * rad) {
                        bright[i * s + j] = true;
                    }
                }
            }
            return;
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
