package dev.pixelflow.deploy.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The examples grid: one row per {@link SegmentationExample} with its title, then three panels: the image, the
 * image with the true mask overlaid, the image with the predicted mask overlaid.
 *
 * <p>The image is min-max scaled over all its channels to [0, 255] (a constant image shows mid grey) and scaled
 * to {@link #PANEL} pixels on its longer side with nearest-neighbour sampling, so single pixels stay sharp.
 * Mask class {@code k > 0} is blended at 55 % opacity with {@link Palette} colour {@code k - 1}, with a one-pixel
 * outline in full colour where the class changes; class 0 leaves the pixel as is. A missing mask shows the panel
 * crossed out.
 */
public final class ExamplesImage {

    /** Side of one panel in pixels. */
    public static final int PANEL = 180;
    private static final int GAP = 12;
    private static final int HEADER = 28;
    private static final int ROW_TITLE = 22;
    private static final double ALPHA = 0.55;
    private static final String[] COLUMNS = {"image", "true mask", "predicted mask"};

    private ExamplesImage() {
    }

    /** Image width: three panels with gaps. */
    public static int width() {
        return 3 * PANEL + 4 * GAP;
    }

    /** Image height for {@code count} examples (one empty row when {@code count == 0}). */
    public static int height(int count) {
        int rows = Math.max(1, count);
        return HEADER + rows * (ROW_TITLE + PANEL + GAP);
    }

    /** Renders the grid; an empty list gives one row saying "no examples yet". */
    public static BufferedImage render(List<SegmentationExample> examples) {
        int width = width();
        BufferedImage img = PlotFrame.canvas(width, height(examples.size()));
        Graphics2D g = PlotFrame.graphics(img);
        try {
            g.setFont(PlotFrame.LABEL_FONT);
            g.setColor(Color.BLACK);
            for (int c = 0; c < 3; c++) {
                PlotFrame.drawCentered(g, COLUMNS[c], GAP + c * (PANEL + GAP) + PANEL / 2.0, HEADER - 8);
            }
            if (examples.isEmpty()) {
                g.setFont(PlotFrame.TITLE_FONT);
                g.setColor(Color.GRAY);
                PlotFrame.drawCentered(g, "no examples yet", width / 2.0, HEADER + (ROW_TITLE + PANEL) / 2.0);
            }
            for (int r = 0; r < examples.size(); r++) {
                SegmentationExample e = examples.get(r);
                int top = HEADER + r * (ROW_TITLE + PANEL + GAP);
                g.setFont(PlotFrame.TITLE_FONT);
                g.setColor(Color.BLACK);
                g.drawString(e.title(), GAP, top + ROW_TITLE - 6);
                int[] base = displayRgb(e);
                drawPanel(g, e, base, null, GAP, top + ROW_TITLE);
                drawMaskPanel(g, e, base, e.trueMask(), GAP + PANEL + GAP, top + ROW_TITLE);
                drawMaskPanel(g, e, base, e.predictedMask(), GAP + 2 * (PANEL + GAP), top + ROW_TITLE);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Packed 0xRRGGBB per pixel (row-major, height*width) after min-max scaling. */
    static int[] displayRgb(SegmentationExample e) {
        float[] x = e.image();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            if (Float.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double range = max - min;
        int plane = e.height() * e.width();
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            int r = level(x[p], min, range);
            if (e.channels() == 1) {
                rgb[p] = r << 16 | r << 8 | r;
            } else {
                rgb[p] = r << 16 | level(x[plane + p], min, range) << 8 | level(x[2 * plane + p], min, range);
            }
        }
        return rgb;
    }

    private static int level(float v, double min, double range) {
        if (!(range > 0) || !Double.isFinite(range)) {
            return 128;
        }
        if (!Float.isFinite(v)) {
            return 0;
        }
        return (int) Math.round(Math.clamp((v - min) / range, 0.0, 1.0) * 255);
    }

    private static void drawMaskPanel(Graphics2D g, SegmentationExample e, int[] base, byte[] mask, int left,
                                      int top) {
        if (mask == null) {
            crossOut(g, left, top);
        } else {
            drawPanel(g, e, base, mask, left, top);
        }
    }

    private static void drawPanel(Graphics2D g, SegmentationExample e, int[] base, byte[] mask, int left, int top) {
        int h = e.height();
        int w = e.width();
        double scale = (double) PANEL / Math.max(h, w);
        int pw = Math.max(1, (int) Math.round(w * scale));
        int ph = Math.max(1, (int) Math.round(h * scale));
        int[] sx = new int[pw];
        for (int px = 0; px < pw; px++) {
            sx[px] = Math.min(w - 1, (int) (px / scale));
        }
        BufferedImage panel = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_RGB);
        for (int py = 0; py < ph; py++) {
            int sy = Math.min(h - 1, (int) (py / scale));
            int syUp = Math.min(h - 1, (int) (Math.max(0, py - 1) / scale));
            int syDown = Math.min(h - 1, (int) (Math.min(ph - 1, py + 1) / scale));
            for (int px = 0; px < pw; px++) {
                int p = sy * w + sx[px];
                int k = mask == null ? 0 : Byte.toUnsignedInt(mask[p]);
                int rgb = base[p];
                if (k != 0) {
                    // A one-pixel outline in full colour where the class changes keeps small objects readable
                    // on busy images; the inside is blended so the image stays visible.
                    int color = Palette.color(k - 1).getRGB() & 0xFFFFFF;
                    boolean edge = cls(mask, syUp, sx[px], w) != k || cls(mask, syDown, sx[px], w) != k
                            || cls(mask, sy, sx[Math.max(0, px - 1)], w) != k
                            || cls(mask, sy, sx[Math.min(pw - 1, px + 1)], w) != k
                            || py == 0 || px == 0 || py == ph - 1 || px == pw - 1;
                    rgb = edge ? color : blend(rgb, color);
                }
                panel.setRGB(px, py, rgb);
            }
        }
        int ox = left + (PANEL - pw) / 2;
        int oy = top + (PANEL - ph) / 2;
        g.drawImage(panel, ox, oy, null);
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(ox - 1, oy - 1, pw + 1, ph + 1);
    }

    private static int cls(byte[] mask, int y, int x, int w) {
        return Byte.toUnsignedInt(mask[y * w + x]);
    }

    private static int blend(int base, int over) {
        int r = mix(base >> 16 & 0xFF, over >> 16 & 0xFF);
        int gr = mix(base >> 8 & 0xFF, over >> 8 & 0xFF);
        int b = mix(base & 0xFF, over & 0xFF);
        return r << 16 | gr << 8 | b;
    }

    private static int mix(int a, int b) {
        return (int) Math.round(a * (1 - ALPHA) + b * ALPHA);
    }

    private static void crossOut(Graphics2D g, int left, int top) {
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(left, top, PANEL, PANEL);
        g.drawLine(left, top, left + PANEL, top + PANEL);
        g.drawLine(left, top + PANEL, left + PANEL, top);
        g.setFont(PlotFrame.LABEL_FONT);
        g.setColor(Color.GRAY);
        PlotFrame.drawCentered(g, "not available", left + PANEL / 2.0, top + PANEL / 2.0 - 6);
    }
}
