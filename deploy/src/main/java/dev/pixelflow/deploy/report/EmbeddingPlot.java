package dev.pixelflow.deploy.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Scatter plot of embeddings projected on their first two principal components ({@link Pca2}).
 *
 * <p>Distinct identities are sorted and numbered 0, 1, 2, ...; identity number {@code k} gets {@link Palette}
 * colour {@code k mod 10} and marker shape {@code (k / 10) mod 3} (circle, square, triangle), so up to 30
 * identities look different. With at most {@link #MAX_LEGEND} identities a legend names them. Axis labels give
 * the share of total variance along each component.
 */
public final class EmbeddingPlot {

    /** Most identities that still get a legend. */
    public static final int MAX_LEGEND = 12;

    private EmbeddingPlot() {
    }

    /** Renders a {@code width} x {@code height} image; null or empty embeddings say "no embeddings yet". */
    public static BufferedImage render(ReportData.Embeddings embeddings, int width, int height) {
        BufferedImage img = PlotFrame.canvas(width, height);
        int n = embeddings == null ? 0 : embeddings.vectors().length;
        String title = "Embeddings: PCA projection (" + n + " points)";
        Graphics2D g = PlotFrame.graphics(img);
        try {
            if (n == 0) {
                PlotFrame frame = new PlotFrame(width, height, NiceTicks.covering(-1, 1, 5),
                        NiceTicks.covering(-1, 1, 5));
                frame.drawAxes(g, width, title, "PC 1", "PC 2");
                frame.drawMessage(g, "no embeddings yet");
                return img;
            }
            Pca2.Result pca = Pca2.fit(embeddings.vectors());
            double[][] p = pca.projected();
            double xMin = Double.POSITIVE_INFINITY;
            double xMax = Double.NEGATIVE_INFINITY;
            double yMin = Double.POSITIVE_INFINITY;
            double yMax = Double.NEGATIVE_INFINITY;
            for (double[] q : p) {
                xMin = Math.min(xMin, q[0]);
                xMax = Math.max(xMax, q[0]);
                yMin = Math.min(yMin, q[1]);
                yMax = Math.max(yMax, q[1]);
            }
            PlotFrame frame = new PlotFrame(width, height, NiceTicks.covering(xMin, xMax, 7),
                    NiceTicks.covering(yMin, yMax, 7));
            double total = totalVariance(embeddings.vectors(), pca.mean());
            frame.drawAxes(g, width, title, axisLabel(1, pca.variances()[0], total),
                    axisLabel(2, pca.variances()[1], total));

            int[] ids = embeddings.identities();
            int[] distinct = Arrays.stream(ids).distinct().sorted().toArray();
            Shape savedClip = g.getClip();
            g.clipRect(frame.x0, frame.y0, frame.w + 1, frame.h + 1);
            for (int i = 0; i < n; i++) {
                int k = Arrays.binarySearch(distinct, ids[i]);
                Color c = Palette.color(k);
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 200));
                g.fill(Legend.marker(k / Palette.size(), frame.px(p[i][0]), frame.py(p[i][1]), 3.5));
            }
            g.setClip(savedClip);
            if (distinct.length <= MAX_LEGEND) {
                List<Legend.Entry> entries = new ArrayList<>();
                for (int k = 0; k < distinct.length; k++) {
                    entries.add(new Legend.Entry("id " + distinct[k], Palette.color(k), k / Palette.size()));
                }
                Legend.draw(g, img, frame, entries);
            } else {
                g.setFont(PlotFrame.TICK_FONT);
                g.setColor(Color.DARK_GRAY);
                g.drawString(distinct.length + " identities (no legend)", frame.x0 + 6,
                        frame.y0 + 16);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static String axisLabel(int component, double variance, double total) {
        if (!(total > 0)) {
            return "PC " + component;
        }
        return String.format(Locale.ROOT, "PC %d (%.1f %% of variance)", component, 100 * variance / total);
    }

    /** Sum of per-dimension variances (the trace of the covariance), non-finite entries read as 0. */
    private static double totalVariance(float[][] rows, double[] mean) {
        double s = 0;
        for (float[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                double v = Float.isFinite(row[j]) ? row[j] : 0.0;
                double c = v - mean[j];
                s += c * c;
            }
        }
        return s / rows.length;
    }
}
