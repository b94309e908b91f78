package dev.pixelflow.deploy.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class LineChartTest {

    private static final int W = 640;
    private static final int H = 320;

    @Test
    void emptyChartAndEmptySeriesRender() {
        BufferedImage none = new LineChart("t", "x", "y").render(W, H);
        assertSize(none);
        BufferedImage empty = new LineChart("t", "x", "y").add("a", new double[0], new double[0]).render(W, H);
        assertSize(empty);
        // "no data yet" is written in the middle of the plot area, where otherwise only light grid lines are.
        assertTrue(countDark(empty, W / 2 - 30, H / 2 - 15, W / 2 + 30, H / 2 + 10) > 20, "message pixels");
        assertEquals(0, countColor(empty, Palette.color(0), 30) - legendSwatchPixels(empty, Palette.color(0)),
                "no series pixels without data");
    }

    @Test
    void allNaNSeriesCountsAsNoData() {
        BufferedImage img = new LineChart("t", "x", "y")
                .add("a", new double[] {0, 1, 2}, new double[] {Double.NaN, Double.NaN, Double.NaN}).render(W, H);
        assertSize(img);
        assertEquals(0, countColor(img, Palette.color(0), 30) - legendSwatchPixels(img, Palette.color(0)));
        assertTrue(countDark(img, W / 2 - 30, H / 2 - 15, W / 2 + 30, H / 2 + 10) > 20, "no data message");
    }

    @Test
    void onePointIsVisible() {
        BufferedImage img = new LineChart("t", "x", "y").add("a", new double[] {3}, new double[] {7})
                .render(W, H);
        assertSize(img);
        assertTrue(countColor(img, Palette.color(0), 30) - legendSwatchPixels(img, Palette.color(0)) > 4);
    }

    @Test
    void constantSeriesAndNaNGapsDrawInsideThePlot() {
        double[] x = new double[100];
        double[] y = new double[100];
        double[] z = new double[100];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.5;
            y[i] = 2.5;
            z[i] = i >= 40 && i < 60 ? Double.NaN : Math.sin(i / 10.0);
        }
        BufferedImage img = new LineChart("t", "x", "y").add("flat", x, y).add("gappy", x, z).render(W, H);
        assertSize(img);
        assertTrue(countColor(img, Palette.color(0), 30) > 200, "flat line drawn");
        assertTrue(countColor(img, Palette.color(1), 30) > 200, "gappy line drawn");

        BufferedImage flatOnly = new LineChart("t", "x", "y").add("flat", x, y).render(W, H);
        int flatPixels = countColor(flatOnly, Palette.color(0), 30)
                - legendSwatchPixels(flatOnly, Palette.color(0));
        assertTrue(flatPixels > 300, "constant line spans the plot: " + flatPixels);
    }

    @Test
    void dataPixelsAppearWhereTheDataIs() {
        // A rising line: its colour must appear in the lower-left and the upper-right quarter of the plot area.
        double[] x = {0, 10};
        double[] y = {0, 10};
        BufferedImage img = new LineChart("", "", "").add("", x, y).render(W, H);
        Color c = Palette.color(0);
        assertTrue(countColor(img, c, 30, 70, H / 2, W / 2, H - 48) > 10, "lower left");
        // Below the legend box, which sits in the top-right corner.
        assertTrue(countColor(img, c, 30, W / 2, 110, W - 20, H / 2) > 10, "upper right");
    }

    @Test
    void fixedRangeAndOutOfRangeValues() {
        BufferedImage img = new LineChart("q", "s", "score").yRange(0, 1)
                .add("iou", new double[] {0, 1, 2}, new double[] {-5, 0.5, 9}).render(W, H);
        assertSize(img);
        assertThrows(IllegalArgumentException.class, () -> new LineChart("", "", "").yRange(1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new LineChart("", "", "").add("a", new double[2], new double[3]));
    }

    @Test
    void tinyAndHugeValuesRender() {
        assertSize(new LineChart("t", "x", "y").add("a", new double[] {0, 1e-9}, new double[] {1e-12, 2e-12})
                .render(W, H));
        assertSize(new LineChart("t", "x", "y").add("a", new double[] {0, 1e9}, new double[] {-1e15, 1e15})
                .render(W, H));
        assertSize(new LineChart("t", "x", "y").add("a", new double[] {0, 1},
                new double[] {Double.POSITIVE_INFINITY, 1}).render(W, H));
        assertSize(new LineChart("t", "x", "y").add("a", new double[] {0, Double.MIN_VALUE},
                new double[] {-Double.MAX_VALUE, Double.MAX_VALUE}).render(W, H));
        for (double[] r : new double[][] {{0, Double.MIN_VALUE}, {-Double.MAX_VALUE, Double.MAX_VALUE},
                {1e-300, 1e-300}, {-7, -7}}) {
            NiceTicks t = NiceTicks.covering(r[0], r[1], 6);
            assertTrue(t.step() > 0 && Double.isFinite(t.step()) && t.lo() < t.hi(), java.util.Arrays.toString(r));
            assertTrue(Double.isFinite(t.hi() - t.lo()));
            assertTrue(t.values().length >= 2, java.util.Arrays.toString(r));
        }
    }

    @Test
    void niceTicks() {
        NiceTicks t = NiceTicks.covering(0.13, 0.91, 6);
        assertEquals(0.2, t.step(), 1e-12);
        assertEquals(0.0, t.lo(), 1e-12);
        assertEquals(1.0, t.hi(), 1e-12);
        assertEquals(6, t.values().length);
        assertEquals("0.4", t.label(t.values()[2]));
        NiceTicks constant = NiceTicks.covering(5, 5, 6);
        assertTrue(constant.lo() < 5 && constant.hi() > 5);
        NiceTicks zero = NiceTicks.covering(0, 0, 6);
        assertTrue(zero.lo() < 0 && zero.hi() > 0);
        assertEquals("0", NiceTicks.covering(-3, 3, 7).label(-1e-17));
    }

    private static void assertSize(BufferedImage img) {
        assertEquals(W, img.getWidth());
        assertEquals(H, img.getHeight());
    }

    /** Pixels in the legend box region (top-right of the plot area) of colour c. */
    private static int legendSwatchPixels(BufferedImage img, Color c) {
        return countColor(img, c, 30, img.getWidth() / 2, 36, img.getWidth() - 20, 100);
    }

    /** Pixels in the box whose every channel is below 0xC0 (text and data, not background or grid). */
    static int countDark(BufferedImage img, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                if ((p >> 16 & 0xFF) < 0xC0 && (p >> 8 & 0xFF) < 0xC0 && (p & 0xFF) < 0xC0) {
                    n++;
                }
            }
        }
        return n;
    }

    static int countColor(BufferedImage img, Color c, int tolerance) {
        return countColor(img, c, tolerance, 0, 0, img.getWidth(), img.getHeight());
    }

    static int countColor(BufferedImage img, Color c, int tolerance, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xFF) - c.getRed()) <= tolerance
                        && Math.abs((p >> 8 & 0xFF) - c.getGreen()) <= tolerance
                        && Math.abs((p & 0xFF) - c.getBlue()) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }
}
