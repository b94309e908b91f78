package dev.pixelflow.deploy.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/**
 * The shared frame of a 2-D plot: white canvas, title, axis labels, nice ticks with grid lines, and the mapping
 * from data coordinates to pixels of the plot area. Charts draw their data inside {@link #plotArea} after
 * {@link #drawAxes}.
 */
final class PlotFrame {

    static final Color BACKGROUND = Color.WHITE;
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 48;

    final int x0;
    final int y0;
    final int w;
    final int h;
    final NiceTicks xTicks;
    final NiceTicks yTicks;

    PlotFrame(int width, int height, NiceTicks xTicks, NiceTicks yTicks) {
        this.x0 = LEFT;
        this.y0 = TOP;
        this.w = Math.max(1, width - LEFT - RIGHT);
        this.h = Math.max(1, height - TOP - BOTTOM);
        this.xTicks = xTicks;
        this.yTicks = yTicks;
    }

    /** A white opaque RGB image of the given size. */
    static BufferedImage canvas(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be >= 1x1, got " + width + "x" + height);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Graphics with antialiased shapes and text; the caller disposes it. */
    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    /** Pixel column of data value {@code x}. */
    double px(double x) {
        return x0 + (x - xTicks.lo()) / (xTicks.hi() - xTicks.lo()) * w;
    }

    /** Pixel row of data value {@code y} (up is larger). */
    double py(double y) {
        return y0 + h - (y - yTicks.lo()) / (yTicks.hi() - yTicks.lo()) * h;
    }

    /** Title, grid, ticks, tick labels, axis labels and the plot-area border. */
    void drawAxes(Graphics2D g, int width, String title, String xLabel, String yLabel) {
        g.setFont(TITLE_FONT);
        g.setColor(Color.BLACK);
        drawCentered(g, title, width / 2.0, TOP - 12);

        g.setFont(TICK_FONT);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double v : xTicks.values()) {
            int x = (int) Math.round(px(v));
            g.setColor(new Color(0xEEEEEE));
            g.drawLine(x, y0, x, y0 + h);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, y0 + h, x, y0 + h + 4);
            drawCentered(g, xTicks.label(v), x, y0 + h + 6 + fm.getAscent());
        }
        for (double v : yTicks.values()) {
            int y = (int) Math.round(py(v));
            g.setColor(new Color(0xEEEEEE));
            g.drawLine(x0, y, x0 + w, y);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x0 - 4, y, x0, y);
            String s = yTicks.label(v);
            g.drawString(s, x0 - 6 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x0, y0, w, h);

        g.setFont(LABEL_FONT);
        g.setColor(Color.BLACK);
        drawCentered(g, xLabel, x0 + w / 2.0, y0 + h + 40);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        // After rotating by -90 degrees, (x, y) on screen is (-y, x) in the rotated frame.
        drawCentered(g, yLabel, -(y0 + h / 2.0), 16);
        g.setTransform(saved);
    }

    /** Centred grey message in the plot area, e.g. "no data yet". */
    void drawMessage(Graphics2D g, String message) {
        g.setFont(TITLE_FONT);
        g.setColor(Color.GRAY);
        drawCentered(g, message, x0 + w / 2.0, y0 + h / 2.0);
    }

    static void drawCentered(Graphics2D g, String text, double cx, double baseline) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int tw = g.getFontMetrics().stringWidth(text);
        g.drawString(text, (float) (cx - tw / 2.0), (float) baseline);
    }
}
