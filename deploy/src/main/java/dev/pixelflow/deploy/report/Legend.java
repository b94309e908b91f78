package dev.pixelflow.deploy.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** A legend box in a corner of a plot area, and the point markers it shares with scatter plots. */
final class Legend {

    /** Marker value of an entry drawn as a short line instead of a point marker. */
    static final int LINE = -1;

    /**
     * One legend row.
     *
     * @param label  text
     * @param color  swatch colour
     * @param marker {@link #LINE}, or a marker shape index for {@link #marker}
     */
    record Entry(String label, Color color, int marker) {
    }

    private Legend() {
    }

    /**
     * Draws {@code entries} in a white, bordered box in the corner of the frame's plot area that covers the
     * fewest already drawn data pixels of {@code img} (top right on a tie, then top left, bottom right, bottom
     * left), so the legend hides as little data as possible.
     */
    static void draw(Graphics2D g, BufferedImage img, PlotFrame frame, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        g.setFont(PlotFrame.TICK_FONT);
        FontMetrics fm = g.getFontMetrics();
        int row = fm.getHeight() + 2;
        int textW = 0;
        for (Entry e : entries) {
            textW = Math.max(textW, fm.stringWidth(e.label()));
        }
        int boxW = 8 + 22 + 6 + textW + 8;
        int boxH = 6 + row * entries.size() + 2;
        int left = frame.x0 + 8;
        int right = frame.x0 + frame.w - boxW - 8;
        int top = frame.y0 + 8;
        int bottom = frame.y0 + frame.h - boxH - 8;
        int[][] corners = {{right, top}, {left, top}, {right, bottom}, {left, bottom}};
        int bx = right;
        int by = top;
        long best = Long.MAX_VALUE;
        for (int[] c : corners) {
            long covered = dataPixels(img, c[0], c[1], boxW, boxH);
            if (covered < best) {
                best = covered;
                bx = c[0];
                by = c[1];
            }
        }
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(bx, by, boxW, boxH);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int cy = by + 6 + row * i + row / 2;
            g.setColor(e.color());
            if (e.marker() == LINE) {
                g.setStroke(new BasicStroke(2.5f));
                g.drawLine(bx + 8, cy, bx + 30, cy);
            } else {
                g.fill(marker(e.marker(), bx + 19, cy, 4));
            }
            g.setColor(Color.BLACK);
            g.drawString(e.label(), bx + 36, cy + fm.getAscent() / 2 - 1);
        }
    }

    /** Pixels in the rectangle that are neither background nor light grid (i.e. data); outside pixels count 0. */
    private static long dataPixels(BufferedImage img, int x, int y, int w, int h) {
        long n = 0;
        int x1 = Math.min(img.getWidth(), x + w);
        int y1 = Math.min(img.getHeight(), y + h);
        for (int yy = Math.max(0, y); yy < y1; yy++) {
            for (int xx = Math.max(0, x); xx < x1; xx++) {
                int p = img.getRGB(xx, yy);
                int lightest = Math.min(p >> 16 & 0xFF, Math.min(p >> 8 & 0xFF, p & 0xFF));
                if (lightest < 0xE0) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Marker shape {@code kind mod 3} (circle, square, triangle) centred on (cx, cy) with half-size r. */
    static java.awt.Shape marker(int kind, double cx, double cy, double r) {
        return switch (Math.floorMod(kind, 3)) {
            case 0 -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case 1 -> new Rectangle2D.Double(cx - r * 0.9, cy - r * 0.9, 1.8 * r, 1.8 * r);
            default -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(cx, cy - r * 1.15);
                p.lineTo(cx + r * 1.1, cy + r * 0.85);
                p.lineTo(cx - r * 1.1, cy + r * 0.85);
                p.closePath();
                yield p;
            }
        };
    }
}
