package dev.pixelflow.deploy.report;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A line chart of one or more series over a shared x axis, rendered into a {@link BufferedImage}.
 *
 * <p>Axes get "nice" ticks (1, 2 or 5 times a power of ten) covering all finite points, or a fixed y range
 * set by {@link #yRange}. A non-finite x or y breaks the line (a gap); a point with no finite neighbour is drawn
 * as a dot, so a one-point series is visible. A constant series gets a band around its value. When no series
 * has a finite point the chart says "no data yet". Series are coloured by {@link Palette} in the order added
 * and named in a legend. Not thread-safe: build, render, discard.
 */
public final class LineChart {

    /**
     * One series; arrays are used as given (not copied) and must have equal length.
     *
     * @param name legend label
     * @param x    x values
     * @param y    y values; NaN marks a gap
     */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(x, "x");
            Objects.requireNonNull(y, "y");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': x has " + x.length
                        + " values but y has " + y.length);
            }
        }
    }

    private static final String NO_DATA = "no data yet";

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private double fixedYMin = Double.NaN;
    private double fixedYMax = Double.NaN;
    private boolean includeZero;

    /** An empty chart with a title and axis labels (any may be empty). */
    public LineChart(String title, String xLabel, String yLabel) {
        this.title = Objects.requireNonNullElse(title, "");
        this.xLabel = Objects.requireNonNullElse(xLabel, "");
        this.yLabel = Objects.requireNonNullElse(yLabel, "");
    }

    /** Fixes the y axis to {@code [min, max]} instead of fitting it to the data; values outside are clipped. */
    public LineChart yRange(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("y range must be finite with min < max, got [" + min + ", " + max
                    + "]");
        }
        fixedYMin = min;
        fixedYMax = max;
        return this;
    }

    /**
     * Makes the fitted y axis reach 0 (for quantities such as throughput, where an axis starting near the data
     * would exaggerate small changes). Ignored with a fixed {@link #yRange}.
     */
    public LineChart includeZero() {
        includeZero = true;
        return this;
    }

    /** Adds a series (see {@link Series}); returns this chart. */
    public LineChart add(String name, double[] x, double[] y) {
        series.add(new Series(name, x, y));
        return this;
    }

    /** The series added so far, in order. */
    public List<Series> series() {
        return List.copyOf(series);
    }

    /** Renders a {@code width} x {@code height} opaque RGB image. */
    public BufferedImage render(int width, int height) {
        BufferedImage img = PlotFrame.canvas(width, height);
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double x = s.x()[i];
                double y = s.y()[i];
                if (Double.isFinite(x) && Double.isFinite(y)) {
                    xMin = Math.min(xMin, x);
                    xMax = Math.max(xMax, x);
                    yMin = Math.min(yMin, y);
                    yMax = Math.max(yMax, y);
                }
            }
        }
        boolean hasData = xMin <= xMax;
        if (hasData && includeZero) {
            yMin = Math.min(yMin, 0);
            yMax = Math.max(yMax, 0);
        }
        boolean fixedY = !Double.isNaN(fixedYMin);
        NiceTicks xt = hasData ? NiceTicks.covering(xMin, xMax, 8) : NiceTicks.covering(0, 1, 6);
        NiceTicks yt = fixedY ? NiceTicks.within(fixedYMin, fixedYMax, 6)
                : hasData ? NiceTicks.covering(yMin, yMax, 6) : NiceTicks.covering(0, 1, 6);
        PlotFrame frame = new PlotFrame(width, height, xt, yt);
        Graphics2D g = PlotFrame.graphics(img);
        try {
            frame.drawAxes(g, width, title, xLabel, yLabel);
            if (!hasData) {
                frame.drawMessage(g, NO_DATA);
            } else {
                drawSeries(g, frame);
            }
            List<Legend.Entry> entries = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                entries.add(new Legend.Entry(series.get(i).name(), Palette.color(i), Legend.LINE));
            }
            Legend.draw(g, img, frame, entries);
        } finally {
            g.dispose();
        }
        return img;
    }

    private void drawSeries(Graphics2D g, PlotFrame frame) {
        Shape savedClip = g.getClip();
        // One pixel of slack so a line on the border of a fixed range stays visible.
        g.clipRect(frame.x0 - 1, frame.y0 - 1, frame.w + 3, frame.h + 3);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(Palette.color(k));
            Path2D.Double path = new Path2D.Double();
            int n = s.x().length;
            boolean penDown = false;
            for (int i = 0; i < n; i++) {
                if (!finite(s, i)) {
                    penDown = false;
                    continue;
                }
                double px = frame.px(s.x()[i]);
                double py = frame.py(s.y()[i]);
                if (penDown) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                    penDown = true;
                }
                boolean isolated = (i == 0 || !finite(s, i - 1)) && (i == n - 1 || !finite(s, i + 1));
                if (isolated) {
                    g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
                }
            }
            g.draw(path);
        }
        g.setClip(savedClip);
    }

    private static boolean finite(Series s, int i) {
        return Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]);
    }
}
