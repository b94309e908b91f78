package dev.pixelflow.simd.learning;

import dev.pixelflow.simd.Tensor;
import java.util.SplittableRandom;

/**
 * Clean single-channel test images, {@code [B, 1, H, W]} with values in [0, 1]: a linear gradient in a random
 * direction plus two or three shapes (discs and axis-aligned rectangles) with soft edges about a pixel wide, each
 * brightening or darkening what is below it. Piecewise smooth, so a denoiser can tell structure from noise.
 */
final class SmoothShapes {
    private SmoothShapes() {
    }

    /** Overwrites every image of {@code images} ({@code [B, 1, H, W]}) with a fresh random one. */
    static void render(Tensor images, SplittableRandom r) {
        int b = images.dim(0);
        int h = images.dim(2);
        int w = images.dim(3);
        float[] img = new float[h * w];
        for (int n = 0; n < b; n++) {
            double angle = r.nextDouble() * 2 * Math.PI;
            double gx = Math.cos(angle) * r.nextDouble() * 0.4 / w;
            double gy = Math.sin(angle) * r.nextDouble() * 0.4 / h;
            double base = 0.3 + r.nextDouble() * 0.2;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    img[i * w + j] = (float) (base + gx * (j - w / 2.0) + gy * (i - h / 2.0));
                }
            }
            int shapes = 2 + r.nextInt(2);
            for (int s = 0; s < shapes; s++) {
                double cy = r.nextDouble() * h;
                double cx = r.nextDouble() * w;
                double size = 3 + r.nextDouble() * w / 4.0;
                double contrast = (r.nextBoolean() ? 1 : -1) * (0.25 + r.nextDouble() * 0.25);
                boolean disc = r.nextBoolean();
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double dy = i + 0.5 - cy;
                        double dx = j + 0.5 - cx;
                        // signed distance outside the shape's edge, in pixels
                        double out = disc ? Math.sqrt(dx * dx + dy * dy) - size
                                : Math.max(Math.abs(dx), Math.abs(dy)) - size;
                        double cover = 1 / (1 + Math.exp(2 * out));
                        img[i * w + j] += (float) (contrast * cover);
                    }
                }
            }
            for (int p = 0; p < h * w; p++) {
                images.setFlat((long) n * h * w + p, Math.clamp(img[p], 0f, 1f));
            }
        }
    }
}
